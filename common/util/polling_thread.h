#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace events {

// A thread that calls `poll` over and over until Stop: after each call it waits
// `interval` (Stop wakes it at once), unless the call returned true to say more work is
// waiting. The shape of every background worker here (stream consumers, delayed-job
// firers, the webhook dispatcher). Start after Stop starts again; both are idempotent and
// thread-safe; the destructor stops.
class PollingThread {
 public:
  using Poll = std::function<bool()>;
  PollingThread(std::chrono::milliseconds interval, Poll poll);
  ~PollingThread();
  PollingThread(const PollingThread&) = delete;
  PollingThread& operator=(const PollingThread&) = delete;

  void Start();
  // Wakes the thread and waits for the call in progress to finish.
  void Stop();

 private:
  void Run();

  const std::chrono::milliseconds interval_;
  const Poll poll_;
  std::mutex lifecycle_mu_;  // serialises Start and Stop; held while joining
  std::thread thread_;       // guarded by lifecycle_mu_
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
};

}  // namespace events
