#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "common/util/mutex.h"
#include "common/util/polling_thread.h"

namespace prometheus {
class Gauge;
template <typename T>
class Family;
}  // namespace prometheus

namespace events {
class Clock;
}

namespace events::accessibility {

class AccessibilityStore;

struct RiskGaugesOptions {
  // How often the counts are read from Redis: on a timer, never on a scrape.
  std::chrono::milliseconds interval{60000};
  // An organisation whose counts have been 0 this long loses its series (until it has some
  // again); before that it reports 0, so an alert on it resolves instead of going stale.
  std::chrono::milliseconds keep_zero_series{24LL * 3600 * 1000};
};

// Keeps events_access_requests_at_risk{org_id} and events_access_requests_past_deadline{org_id}
// up to date from AccessibilityStore::CountRisk (read-only). Every replica reads the same
// counts, so dashboards and alerts take the max over replicas.
class RiskGauges {
 public:
  RiskGauges(AccessibilityStore& store, const Clock& clock,
             prometheus::Family<prometheus::Gauge>& at_risk,
             prometheus::Family<prometheus::Gauge>& past_deadline, RiskGaugesOptions options = {});
  ~RiskGauges();
  RiskGauges(const RiskGauges&) = delete;
  RiskGauges& operator=(const RiskGauges&) = delete;

  // Reads the counts once and sets the gauges. On failure (Redis unreachable) the gauges keep
  // their last values and the error is returned. Thread-safe.
  absl::Status RefreshOnce() ABSL_LOCKS_EXCLUDED(mu_);
  // RefreshOnce every interval on a thread of its own (a failure is logged) until Stop().
  void Start();
  // Stops and joins; idempotent.
  void Stop();

 private:
  AccessibilityStore& store_;
  const Clock& clock_;
  prometheus::Family<prometheus::Gauge>& at_risk_;
  prometheus::Family<prometheus::Gauge>& past_deadline_;
  const RiskGaugesOptions options_;
  Mutex mu_;
  // Every organisation with series, and when it last had a request at risk or past deadline.
  std::map<std::string, int64_t> last_nonzero_ms_ ABSL_GUARDED_BY(mu_);
  PollingThread loop_;  // last: stops before the members its polls use go
};

}  // namespace events::accessibility
