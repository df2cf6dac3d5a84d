#pragma once

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "common/util/mutex.h"

namespace events {

// A fixed set of threads running posted tasks in order of posting. For work that may block
// (a Redis round trip, a call to another service) and must not run on a thread that others
// wait on. The destructor runs every task already posted, then joins; Post after the
// destructor has started runs the task on the caller's thread. A task runs with the call that
// posted it current (common/log/call_context.h). Thread-safe.
class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void Post(std::function<void()> task) ABSL_LOCKS_EXCLUDED(mu_);
  // Runs task(0) ... task(count - 1) on the pool and returns when all have run (a batch of
  // claimed work tried at once). Not from a task of this pool: it would wait for itself.
  void RunEach(size_t count, const std::function<void(size_t)>& task) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Work() ABSL_LOCKS_EXCLUDED(mu_);

  Mutex mu_;
  CondVar wake_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace events
