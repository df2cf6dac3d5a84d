// bus::DelayedJobWorker with fire calls that only count: every partition per poll, the
// limit passed down, counters, a failing partition not holding back the others, run/stop.
#include "common/bus/delayed_job_worker.h"

#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/status.h"

namespace events::bus {
namespace {

JobQueue TestQueue() { return JobQueue{"test", "test:jobs"}; }

class DelayedJobWorkerTest : public ::testing::Test {
 protected:
  prometheus::Registry registry_;
  prometheus::Family<prometheus::Counter>& family_ =
      prometheus::BuildCounter().Name("jobs_total").Register(registry_);
  prometheus::Counter& fired_ = family_.Add({{"what", "fired"}});
  prometheus::Counter& errors_ = family_.Add({{"what", "errors"}});
};

TEST_F(DelayedJobWorkerTest, FiresEveryPartitionWithTheBatchAsLimit) {
  std::vector<std::pair<int, int>> calls;
  DelayedJobWorker worker("test", TestQueue(), 3,
                          [&](int partition, int limit) -> absl::StatusOr<int> {
                            calls.emplace_back(partition, limit);
                            return partition;  // 0 + 1 + 2
                          },
                          {std::chrono::milliseconds(1000), 7}, {&fired_, &errors_});
  EXPECT_EQ(*worker.RunOnce(), 3);
  EXPECT_EQ(calls, (std::vector<std::pair<int, int>>{{0, 7}, {1, 7}, {2, 7}}));
  EXPECT_EQ(fired_.Value(), 3);
  EXPECT_EQ(errors_.Value(), 0);
}

TEST_F(DelayedJobWorkerTest, AFailingPartitionDoesNotHoldBackTheOthers) {
  std::vector<int> called;
  DelayedJobWorker worker("test", TestQueue(), 4,
                          [&](int partition, int) -> absl::StatusOr<int> {
                            called.push_back(partition);
                            if (partition == 1)
                              return absl::UnavailableError("partition 1 is down");
                            if (partition == 2) return absl::InternalError("partition 2 broke");
                            return 5;
                          },
                          {}, {&fired_, &errors_});
  absl::StatusOr<int> fired = worker.RunOnce();
  EXPECT_EQ(fired.status(), absl::UnavailableError("partition 1 is down"));  // the first
  EXPECT_EQ(called, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_EQ(fired_.Value(), 10);  // partitions 0 and 3 did fire
  EXPECT_EQ(errors_.Value(), 2);
}

// A fire call that takes every partition at once is called once a poll, with all of them.
TEST_F(DelayedJobWorkerTest, AFireManyCallGetsEveryPartitionInOneCall) {
  std::vector<std::vector<int>> calls;
  DelayedJobWorker worker(
      "test", TestQueue(), 3,
      [&](const std::vector<int>& partitions,
          int limit) -> absl::StatusOr<std::vector<absl::StatusOr<int>>> {
        calls.push_back(partitions);
        EXPECT_EQ(limit, 7);
        return std::vector<absl::StatusOr<int>>{4, absl::InternalError("partition 1 broke"), 2};
      },
      {std::chrono::milliseconds(1000), 7}, {&fired_, &errors_});
  absl::StatusOr<int> fired = worker.RunOnce();
  EXPECT_EQ(fired.status(), absl::InternalError("partition 1 broke"));
  EXPECT_EQ(calls, (std::vector<std::vector<int>>{{0, 1, 2}}));
  EXPECT_EQ(fired_.Value(), 6);
  EXPECT_EQ(errors_.Value(), 1);
  // The count the platform metrics read (events_delayed_jobs_fired_total).
  EXPECT_EQ(worker.fired()->load(), 6U);
}

// When the round trip itself fails, no partition fired: each counts as a failure, as when
// each fire call failed on its own.
TEST_F(DelayedJobWorkerTest, AFailedFireManyCallCountsEveryPartition) {
  DelayedJobWorker worker(
      "test", TestQueue(), 4,
      [&](const std::vector<int>&, int) -> absl::StatusOr<std::vector<absl::StatusOr<int>>> {
        return absl::UnavailableError("Redis is down");
      },
      {}, {&fired_, &errors_});
  EXPECT_EQ(worker.RunOnce().status(), absl::UnavailableError("Redis is down"));
  EXPECT_EQ(fired_.Value(), 0);
  EXPECT_EQ(errors_.Value(), 4);
}

TEST_F(DelayedJobWorkerTest, NullCountersAreAllowed) {
  DelayedJobWorker worker("test", TestQueue(), 2,
                          [](int, int) -> absl::StatusOr<int> { return 1; });
  EXPECT_EQ(*worker.RunOnce(), 2);
}

TEST_F(DelayedJobWorkerTest, TheThreadPollsThenRunsTheAfterPollCallUntilStopped) {
  std::atomic<int> afters{0};
  std::mutex mu;
  std::vector<char> order;  // 'f' per poll's fire calls, 'a' per after-poll call
  DelayedJobWorker worker(
      "test", TestQueue(), 1,
      [&](int, int) -> absl::StatusOr<int> {
        std::lock_guard<std::mutex> lock(mu);
        order.push_back('f');
        return 0;
      },
      {std::chrono::milliseconds(1), 10}, {&fired_, &errors_},
      [&] {
        std::lock_guard<std::mutex> lock(mu);
        order.push_back('a');
        ++afters;
      });
  // RunOnce called directly runs no after-poll call.
  EXPECT_EQ(*worker.RunOnce(), 0);
  EXPECT_EQ(afters.load(), 0);
  worker.Start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (afters.load() < 3 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  worker.Stop();
  ASSERT_GE(afters.load(), 3);
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_GE(order.size(), 2u);
  for (size_t i = 1; i < order.size(); ++i) {
    EXPECT_EQ(order[i], i % 2 == 1 ? 'f' : 'a') << "at " << i;
  }
}

}  // namespace
}  // namespace events::bus
