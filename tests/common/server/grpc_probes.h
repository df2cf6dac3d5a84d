#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/support/status.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace events::testing {

// grpc.health.v1 serving statuses.
inline constexpr int kHealthServing = 1;
inline constexpr int kHealthNotServing = 2;

// grpc.health.v1.Health/Check for `service` ("" = the whole server); the answer's status
// goes to *serving_status.
grpc::Status CheckHealth(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                         int* serving_status);

// Lists services through grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo.
grpc::Status ListServices(const std::shared_ptr<grpc::Channel>& channel,
                          std::vector<std::string>* names);

// Opens grpc.health.v1.Health/Watch for `service` and waits for the first answer; the stream
// stays open until the returned object is destroyed. nullptr if the first answer never came.
class HealthWatch {
 public:
  virtual ~HealthWatch() = default;
  // The status in the first answer.
  virtual int first_status() const = 0;
};
std::unique_ptr<HealthWatch> WatchHealth(const std::shared_ptr<grpc::Channel>& channel,
                                         const std::string& service);

// GET http://127.0.0.1:<port><path> over a plain socket; the whole response (status line,
// headers, body), or "" if the connection failed.
std::string HttpGet(int port, const std::string& path);

// Polls `condition` until it holds or `timeout` passes; returns its last value. Tests wait
// for things this way instead of sleeping a guessed amount.
template <typename Condition>
bool Eventually(Condition condition,
                std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace events::testing
