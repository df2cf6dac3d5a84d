#include "services/integrations/webhooks/retry_schedule.h"

#include "gtest/gtest.h"

namespace events::integrations {
namespace {

constexpr int64_t kHour = int64_t{3600} * 1000;

TEST(RetryScheduleTest, GrowsFromSecondsToADayAndEndsAfterAboutThreeDays) {
  int64_t total = 0;
  int64_t previous = 0;
  for (int attempt = 1; attempt < RetrySchedule::kMaxAttempts; ++attempt) {
    std::optional<int64_t> delay = RetrySchedule::DelayMsAfter(attempt, 0.5);  // no jitter
    ASSERT_TRUE(delay.has_value()) << attempt;
    EXPECT_GT(*delay, previous) << attempt;
    previous = *delay;
    total += *delay;
  }
  EXPECT_EQ(*RetrySchedule::DelayMsAfter(1, 0.5), 5000);
  EXPECT_EQ(previous, 24 * kHour);
  EXPECT_GT(total, 72 * kHour);
  EXPECT_LT(total, 80 * kHour);
  EXPECT_FALSE(RetrySchedule::DelayMsAfter(RetrySchedule::kMaxAttempts, 0.5).has_value());
  EXPECT_FALSE(RetrySchedule::DelayMsAfter(0, 0.5).has_value());
}

TEST(RetryScheduleTest, JitterStaysWithinTwentyPercent) {
  EXPECT_EQ(*RetrySchedule::DelayMsAfter(1, 0.0), 4000);
  EXPECT_EQ(*RetrySchedule::DelayMsAfter(1, 0.999999), 6000);
  EXPECT_EQ(*RetrySchedule::DelayMsAfter(10, 0.0), static_cast<int64_t>(0.8 * 24 * kHour));
  // Out-of-range jitter is clamped, never negative or huge.
  EXPECT_EQ(*RetrySchedule::DelayMsAfter(1, -3.0), 4000);
  EXPECT_EQ(*RetrySchedule::DelayMsAfter(1, 7.0), 6000);
}

}  // namespace
}  // namespace events::integrations
