#pragma once

#include <cstdint>
#include <optional>

namespace events::integrations {

// When a webhook delivery is tried again after a failure: exponential steps with jitter,
// about three days from the first try to the last, then the dead-letter list.
//
//   try      1    2    3     4     5    6    7     8     9     10    11
//   after    -    5s   1m    5m    30m  2h   5h    10h   14h   20h   24h   (+/- 20%)
//
// The steps add up to 75 h 36 m: a receiver that is down over a long weekend still gets
// every event. `jitter` is a number in [0, 1) (from a random source; tests pass fixed ones).
class RetrySchedule {
 public:
  // The number of tries in all, the first included.
  static constexpr int kMaxAttempts = 11;

  // The delay before try `attempt + 1`, after try `attempt` (1-based) failed; nullopt when
  // `attempt` was the last one.
  static std::optional<int64_t> DelayMsAfter(int attempt, double jitter);
};

}  // namespace events::integrations
