#include "services/integrations/webhooks/retry_schedule.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace events::integrations {

namespace {

constexpr int64_t kSecond = 1000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
// The delay after try 1, 2, ... (index 0 is after the first try).
constexpr std::array<int64_t, RetrySchedule::kMaxAttempts - 1> kSteps = {
    5 * kSecond, 1 * kMinute, 5 * kMinute, 30 * kMinute, 2 * kHour,
    5 * kHour,   10 * kHour,  14 * kHour,  20 * kHour,   24 * kHour};
constexpr double kJitter = 0.2;

}  // namespace

std::optional<int64_t> RetrySchedule::DelayMsAfter(int attempt, double jitter) {
  if (attempt < 1 || attempt >= kMaxAttempts) return std::nullopt;
  const double unit = std::clamp(jitter, 0.0, 1.0);
  const double factor = 1.0 + kJitter * (2.0 * unit - 1.0);  // 0.8 .. 1.2
  return static_cast<int64_t>(std::llround(static_cast<double>(kSteps[attempt - 1]) * factor));
}

}  // namespace events::integrations
