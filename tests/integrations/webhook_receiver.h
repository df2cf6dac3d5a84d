#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "common/util/mutex.h"

namespace events::integrations::testing {

// A small HTTP/1.1 server on a loopback port for tests: reads each request (headers and a
// Content-Length body), records it, and answers with the next programmed action (a status
// code, or kDrop to close the connection without answering); 200 when none is left.
class WebhookReceiver {
 public:
  static constexpr int kDrop = -1;

  struct Request {
    std::string method;
    std::string path;
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
    // The status answered, or kDrop.
    int answer = 200;
    // The local address the connection came in on (tells which address the client chose).
    std::string local_address;
    std::string Header(const std::string& name) const;
  };

  // On 127.0.0.1, or on every address (0.0.0.0) when `any_address`, so that tests can see
  // which loopback address a client connected to.
  explicit WebhookReceiver(bool any_address = false);
  ~WebhookReceiver();

  // 0 when no port could be had (socket, bind or listen failed).
  int port() const { return port_; }
  std::string Url(const std::string& path = "/hook") const;

  // Actions for the next requests, in order.
  void Program(std::vector<int> actions) ABSL_LOCKS_EXCLUDED(mu_);
  // Answers 3xx responses with this Location header.
  void SetLocation(std::string location) ABSL_LOCKS_EXCLUDED(mu_);
  // Requests recorded so far (also those answered with kDrop, when their body was read).
  std::vector<Request> Requests() ABSL_LOCKS_EXCLUDED(mu_);
  // Waits until at least n requests were recorded; false on timeout.
  bool WaitFor(size_t n, std::chrono::milliseconds timeout) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Serve();
  void Handle(int fd) ABSL_LOCKS_EXCLUDED(mu_);

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  Mutex mu_;
  CondVar changed_;
  std::deque<int> actions_ ABSL_GUARDED_BY(mu_);
  std::vector<Request> requests_ ABSL_GUARDED_BY(mu_);
  std::string location_ ABSL_GUARDED_BY(mu_);
};

}  // namespace events::integrations::testing
