#pragma once

#include <chrono>
#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "common/util/mutex.h"

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

  void Start() ABSL_LOCKS_EXCLUDED(lifecycle_mu_, mu_);
  // Wakes the thread and waits for the call in progress to finish.
  void Stop() ABSL_LOCKS_EXCLUDED(lifecycle_mu_, mu_);

 private:
  void Run() ABSL_LOCKS_EXCLUDED(mu_);

  const std::chrono::milliseconds interval_;
  const Poll poll_;
  Mutex lifecycle_mu_ ABSL_ACQUIRED_BEFORE(mu_);  // serialises Start and Stop; held while joining
  std::thread thread_ ABSL_GUARDED_BY(lifecycle_mu_);
  Mutex mu_;
  CondVar wake_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace events
