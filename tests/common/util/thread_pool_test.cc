#include "common/util/thread_pool.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace events {
namespace {

TEST(ThreadPoolTest, RunEachReturnsOnlyOnceEveryTaskHasRun) {
  ThreadPool pool(3);
  std::vector<std::atomic<int>> ran(200);
  pool.RunEach(ran.size(), [&ran](size_t i) {
    std::this_thread::sleep_for(std::chrono::microseconds(i % 7 * 100));
    ++ran[i];
  });
  for (const auto& n : ran) EXPECT_EQ(n.load(), 1);
  pool.RunEach(0, [](size_t) { ADD_FAILURE() << "no task to run"; });
}

TEST(ThreadPoolTest, RunsEveryTaskOnItsThreads) {
  std::atomic<int> ran{0};
  std::mutex mu;
  std::set<std::thread::id> where;
  {
    ThreadPool pool(3);
    for (int i = 0; i < 1000; ++i) {
      pool.Post([&] {
        ++ran;
        std::lock_guard<std::mutex> lock(mu);
        where.insert(std::this_thread::get_id());
      });
    }
  }  // the destructor runs what is queued, then joins
  EXPECT_EQ(ran.load(), 1000);
  EXPECT_EQ(where.count(std::this_thread::get_id()), 0u);
  EXPECT_LE(where.size(), 3u);
}

TEST(ThreadPoolTest, TasksQueuedBehindASlowOneStillRunBeforeTheDestructorReturns) {
  std::atomic<int> ran{0};
  {
    ThreadPool pool(1);
    pool.Post([] { std::this_thread::sleep_for(std::chrono::milliseconds(50)); });
    for (int i = 0; i < 10; ++i) pool.Post([&] { ++ran; });
  }
  EXPECT_EQ(ran.load(), 10);
}

TEST(ThreadPoolTest, ATaskMayPostMore) {
  std::atomic<int> ran{0};
  {
    ThreadPool pool(2);
    pool.Post([&] {
      for (int i = 0; i < 5; ++i) pool.Post([&] { ++ran; });
    });
  }
  EXPECT_EQ(ran.load(), 5);
}

}  // namespace
}  // namespace events
