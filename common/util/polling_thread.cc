#include "common/util/polling_thread.h"

#include <utility>

namespace events {

PollingThread::PollingThread(std::chrono::milliseconds interval, Poll poll)
    : interval_(interval), poll_(std::move(poll)) {}

PollingThread::~PollingThread() { Stop(); }

void PollingThread::Start() {
  MutexLock lifecycle(&lifecycle_mu_);
  if (thread_.joinable()) return;
  {
    MutexLock lock(&mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { Run(); });
}

void PollingThread::Stop() {
  MutexLock lifecycle(&lifecycle_mu_);
  {
    MutexLock lock(&mu_);
    stopping_ = true;
  }
  wake_.SignalAll();
  if (thread_.joinable()) thread_.join();
}

void PollingThread::Run() {
  mu_.Lock();
  while (!stopping_) {
    mu_.Unlock();
    const bool more = poll_();
    mu_.Lock();
    if (more) continue;
    // Sleeps `interval_` unless Stop comes first.
    const auto until = std::chrono::steady_clock::now() + interval_;
    while (!stopping_ && !wake_.WaitUntil(&mu_, until)) {
    }
  }
  mu_.Unlock();
}

}  // namespace events
