#include "common/util/thread_pool.h"

#include <algorithm>
#include <utility>

#include "common/log/call_context.h"

namespace events {

ThreadPool::ThreadPool(int threads) {
  const int n = std::max(1, threads);
  threads_.reserve(n);
  for (int i = 0; i < n; ++i) threads_.emplace_back([this] { Work(); });
}

ThreadPool::~ThreadPool() {
  {
    MutexLock lock(&mu_);
    stopping_ = true;
  }
  wake_.SignalAll();
  for (std::thread& t : threads_) t.join();
}

void ThreadPool::Post(std::function<void()> task) {
  // The task runs for the call that posted it: its log lines and its calls to other services
  // keep that call's trace and request id.
  task = logging::WithCurrentCall(std::move(task));
  {
    MutexLock lock(&mu_);
    if (!stopping_) {
      tasks_.push_back(std::move(task));
      wake_.Signal();
      return;
    }
  }
  task();
}

void ThreadPool::RunEach(size_t count, const std::function<void(size_t)>& task) {
  Mutex done_mu;
  CondVar done_cv;
  size_t done = 0;  // under done_mu
  for (size_t i = 0; i < count; ++i) {
    Post([&task, i, &done_mu, &done_cv, &done] {
      task(i);
      MutexLock lock(&done_mu);
      ++done;
      done_cv.SignalAll();
    });
  }
  MutexLock lock(&done_mu);
  while (done != count) done_cv.Wait(&done_mu);
}

void ThreadPool::Work() {
  for (;;) {
    std::function<void()> task;
    {
      MutexLock lock(&mu_);
      while (!stopping_ && tasks_.empty()) wake_.Wait(&mu_);
      if (tasks_.empty()) return;  // stopping, and nothing left
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

}  // namespace events
