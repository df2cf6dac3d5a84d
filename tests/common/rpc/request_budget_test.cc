#include "common/rpc/request_budget.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace events::rpc {
namespace {

TEST(RequestBudgetTest, HoldsBytesUntilThePermitGoes) {
  RequestBudget budget(100);
  auto a = budget.TryTake(60);
  ASSERT_TRUE(a.has_value());
  EXPECT_FALSE(budget.TryTake(50).has_value());
  {
    auto b = budget.TryTake(40);
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(budget.used(), 100);
  }
  EXPECT_EQ(budget.used(), 60);
  a.reset();
  EXPECT_EQ(budget.used(), 0);
  // Larger than the whole budget: only alone.
  auto big = budget.TryTake(500);
  ASSERT_TRUE(big.has_value());
  EXPECT_FALSE(budget.TryTake(1).has_value());
}

TEST(RequestBudgetTest, ManyThreadsNeverHoldMoreThanTheBudget) {
  RequestBudget budget(1000);
  std::atomic<int64_t> worst{0};
  std::vector<std::thread> threads;
  threads.reserve(8);
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20000; ++i) {
        auto permit = budget.TryTake(100);
        const int64_t now = budget.used();
        int64_t seen = worst.load();
        while (now > seen && !worst.compare_exchange_weak(seen, now)) {
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(worst.load(), 1000);
  EXPECT_EQ(budget.used(), 0);
}

}  // namespace
}  // namespace events::rpc
