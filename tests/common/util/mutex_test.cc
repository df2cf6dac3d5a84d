#include "common/util/mutex.h"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "gtest/gtest.h"

namespace events {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

// What the tests share between threads, annotated as production code is.
struct Shared {
  Mutex mu;
  CondVar changed;
  int count ABSL_GUARDED_BY(mu) = 0;
  std::vector<int> list ABSL_GUARDED_BY(mu);
  bool go ABSL_GUARDED_BY(mu) = false;
};

TEST(MutexTest, MutexLockKeepsAListExactUnderManyThreads) {
  Shared shared;
  constexpr int kThreads = 4;
  constexpr int kEach = 50000;
  std::atomic<int> ready{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&shared, &ready] {
      // All start together, so that the appends really overlap.
      ready.fetch_add(1);
      while (ready.load() < kThreads) std::this_thread::yield();
      for (int i = 0; i < kEach; ++i) {
        MutexLock lock(&shared.mu);
        // Unlocked, overlapping appends would lose entries or corrupt the vector as it grows.
        shared.list.push_back(i);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  MutexLock lock(&shared.mu);
  EXPECT_EQ(shared.list.size(), static_cast<size_t>(kThreads * kEach));
}

TEST(MutexTest, WaitUntilReportsATimeoutOnlyOnceTheDeadlineHasPassed) {
  Shared shared;
  MutexLock lock(&shared.mu);
  const auto deadline = steady_clock::now() + milliseconds(30);
  bool timed_out = false;
  // Nobody signals: only spurious wake-ups (false) come before the timeout.
  for (int i = 0; i < 1000 && !timed_out; ++i)
    timed_out = shared.changed.WaitUntil(&shared.mu, deadline);
  EXPECT_TRUE(timed_out);
  EXPECT_GE(steady_clock::now(), deadline);
  shared.count = 1;  // still held after the wait
  EXPECT_EQ(shared.count, 1);
}

TEST(MutexTest, WaitForReportsATimeoutAfterItsDuration) {
  Shared shared;
  MutexLock lock(&shared.mu);
  const auto before = steady_clock::now();
  bool timed_out = false;
  for (int i = 0; i < 1000 && !timed_out; ++i) {
    timed_out = shared.changed.WaitFor(&shared.mu, milliseconds(20));
  }
  EXPECT_TRUE(timed_out);
  EXPECT_GE(steady_clock::now() - before, milliseconds(20));
}

TEST(MutexTest, SignalledWaiterWakesBeforeItsDeadlineAndSaysSo) {
  Shared shared;
  bool timed_out = false;
  steady_clock::duration waited{};
  std::thread waiter([&] {
    MutexLock lock(&shared.mu);
    const auto start = steady_clock::now();
    const auto deadline = start + std::chrono::seconds(30);
    while (!shared.go && !timed_out) timed_out = shared.changed.WaitUntil(&shared.mu, deadline);
    waited = steady_clock::now() - start;
  });
  // The waiter holds the mutex only while it checks: taking it here proves Wait releases it.
  {
    MutexLock lock(&shared.mu);
    shared.go = true;
  }
  shared.changed.Signal();
  waiter.join();
  EXPECT_FALSE(timed_out);
  EXPECT_LT(waited, std::chrono::seconds(30));
}

TEST(MutexTest, SignalAllWakesEveryWaiter) {
  Shared shared;
  constexpr int kWaiters = 3;
  std::vector<std::thread> waiters;
  waiters.reserve(kWaiters);
  for (int t = 0; t < kWaiters; ++t) {
    waiters.emplace_back([&shared] {
      MutexLock lock(&shared.mu);
      ++shared.count;  // one more waiting
      shared.changed.SignalAll();
      while (!shared.go) shared.changed.Wait(&shared.mu);
      --shared.count;
    });
  }
  {
    MutexLock lock(&shared.mu);
    // Every waiter waits (or has not started); all of them must wake on one SignalAll.
    while (shared.count < kWaiters) shared.changed.Wait(&shared.mu);
    shared.go = true;
  }
  shared.changed.SignalAll();
  for (std::thread& t : waiters) t.join();
  MutexLock lock(&shared.mu);
  EXPECT_EQ(shared.count, 0);
}

TEST(MutexTest, NotificationHandsAValueOverAndTimesOutWithoutOne) {
  Notification quiet;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(quiet.WaitFor(std::chrono::milliseconds(50)));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(50));
  EXPECT_FALSE(quiet.HasBeenNotified());

  Notification done;
  std::string handed;  // written by the thread, read here after the wait (TSan checks this)
  std::thread writer([&] {
    handed = "written before Notify";
    done.Notify();
  });
  EXPECT_TRUE(done.WaitFor(std::chrono::seconds(10)));
  EXPECT_EQ(handed, "written before Notify");
  EXPECT_TRUE(done.HasBeenNotified());
  EXPECT_TRUE(done.WaitFor(std::chrono::milliseconds(0)));  // stays notified
  writer.join();
}

}  // namespace
}  // namespace events
