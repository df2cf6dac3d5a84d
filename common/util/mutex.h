#pragma once

// The project's mutex, scoped lock and condition variable: thin wrappers over std::mutex and
// std::condition_variable that carry clang's thread-safety annotations, so that
// scripts/check-thread-safety (clang -Wthread-safety) can prove every ABSL_GUARDED_BY member
// is touched only with its mutex held.
//
// Why not absl::Mutex, which has the same annotations: Debian's libabsl is not built with
// -fsanitize=thread, so absl::Mutex's lock and unlock (atomics and raw futex calls inside
// the uninstrumented library) are invisible to ThreadSanitizer, which would then report
// every access under such a lock as a race (or, with the library suppressed, hide real
// ones). std::mutex locks through pthread_mutex_*, which TSan intercepts, so TSan sees every
// lock taken here. The wrappers add nothing at run time.

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "absl/base/thread_annotations.h"

namespace events {

// A non-recursive exclusive lock. Prefer MutexLock to Lock/Unlock pairs.
class ABSL_LOCKABLE Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ABSL_EXCLUSIVE_LOCK_FUNCTION() { mu_.lock(); }
  void Unlock() ABSL_UNLOCK_FUNCTION() { mu_.unlock(); }
  // Tells the analysis the caller holds this mutex where it cannot see so; checks nothing
  // at run time.
  void AssertHeld() const ABSL_ASSERT_EXCLUSIVE_LOCK() {}

 private:
  friend class CondVar;
  std::mutex mu_;
};

// Holds `mu` from construction to destruction.
class ABSL_SCOPED_LOCKABLE MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ABSL_EXCLUSIVE_LOCK_FUNCTION(mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() ABSL_UNLOCK_FUNCTION() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

// A condition variable for Mutex. Every wait releases `mu` while it sleeps and holds it
// again when it returns; wake-ups may be spurious, so callers wait in a loop on their
// condition. Signal and SignalAll may be called with or without the mutex held.
class CondVar {
 public:
  CondVar() = default;
  CondVar(const CondVar&) = delete;
  CondVar& operator=(const CondVar&) = delete;

  void Wait(Mutex* mu) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    std::unique_lock<std::mutex> lock(mu->mu_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();  // still held: the caller's
  }

  // Waits until signalled or `deadline`; true when it returned because the deadline passed.
  template <typename Clock, typename Duration>
  bool WaitUntil(Mutex* mu, std::chrono::time_point<Clock, Duration> deadline)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    std::unique_lock<std::mutex> lock(mu->mu_, std::adopt_lock);
    const bool timed_out = cv_.wait_until(lock, deadline) == std::cv_status::timeout;
    lock.release();
    return timed_out;
  }

  // Waits until signalled or `timeout` has passed; true when it returned because of that.
  template <typename Rep, typename Period>
  bool WaitFor(Mutex* mu, std::chrono::duration<Rep, Period> timeout)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
    return WaitUntil(mu, std::chrono::steady_clock::now() + timeout);
  }

  void Signal() { cv_.notify_one(); }
  void SignalAll() { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
};

// A one-shot signal from one thread to another (a test waiting for a callback): Notify once,
// WaitFor returns true when it came in time. Not absl::Notification: Debian's libabsl is not
// built with -fsanitize=thread, so ThreadSanitizer cannot see its synchronisation and reports
// every value handed over through it as a race (docs/development.md, "Quality gate: thread
// safety"). This is Mutex and CondVar, which it sees.
class Notification {
 public:
  Notification() = default;
  Notification(const Notification&) = delete;
  Notification& operator=(const Notification&) = delete;

  void Notify() ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    notified_ = true;
    cv_.SignalAll();
  }

  bool HasBeenNotified() ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    return notified_;
  }

  // True once notified; false when `timeout` passed first.
  template <typename Rep, typename Period>
  bool WaitFor(std::chrono::duration<Rep, Period> timeout) ABSL_LOCKS_EXCLUDED(mu_) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    MutexLock lock(&mu_);
    while (!notified_) {
      if (cv_.WaitUntil(&mu_, deadline)) return notified_;
    }
    return true;
  }

 private:
  Mutex mu_;
  CondVar cv_;
  bool notified_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace events
