#include "common/util/polling_thread.h"

#include <atomic>
#include <chrono>
#include <thread>

#include "gtest/gtest.h"

namespace events {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

TEST(PollingThreadTest, PollsAgainAtOnceWhileMoreIsWaitingThenWaitsTheInterval) {
  std::atomic<int> polls{0};
  // Ten polls report more work; after that the thread waits an hour between polls.
  PollingThread loop(std::chrono::hours(1), [&] { return ++polls < 10; });
  loop.Start();
  const auto deadline = steady_clock::now() + std::chrono::seconds(5);
  while (polls.load() < 10 && steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(1));
  }
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(polls.load(), 10);  // the eleventh waits for the interval
  // Stop wakes the waiting thread at once rather than after the hour.
  const auto before = steady_clock::now();
  loop.Stop();
  EXPECT_LT(steady_clock::now() - before, std::chrono::seconds(2));
}

TEST(PollingThreadTest, StartsAgainAfterStopAndBothAreIdempotent) {
  std::atomic<int> polls{0};
  PollingThread loop(milliseconds(1), [&] {
    ++polls;
    return false;
  });
  loop.Stop();  // never started: nothing to do
  for (int round = 0; round < 2; ++round) {
    const int before = polls.load();
    loop.Start();
    loop.Start();
    const auto deadline = steady_clock::now() + std::chrono::seconds(5);
    while (polls.load() < before + 3 && steady_clock::now() < deadline) {
      std::this_thread::sleep_for(milliseconds(1));
    }
    loop.Stop();
    loop.Stop();
    EXPECT_GE(polls.load(), before + 3) << "round " << round;
    const int stopped = polls.load();
    std::this_thread::sleep_for(milliseconds(20));
    EXPECT_EQ(polls.load(), stopped) << "polled after Stop";
  }
}

}  // namespace
}  // namespace events
