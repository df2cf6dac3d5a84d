#include "common/util/polling_thread.h"

#include <utility>

namespace events {

PollingThread::PollingThread(std::chrono::milliseconds interval, Poll poll)
    : interval_(interval), poll_(std::move(poll)) {}

PollingThread::~PollingThread() { Stop(); }

void PollingThread::Start() {
  std::lock_guard<std::mutex> lifecycle(lifecycle_mu_);
  if (thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { Run(); });
}

void PollingThread::Stop() {
  std::lock_guard<std::mutex> lifecycle(lifecycle_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PollingThread::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    const bool more = poll_();
    lock.lock();
    if (more) continue;
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace events
