#include "services/accessibility/worker/risk_gauges.h"

#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <spdlog/spdlog.h>

#include "common/util/clock.h"
#include "services/accessibility/store/accessibility_store.h"

namespace events::accessibility {

RiskGauges::RiskGauges(AccessibilityStore& store, const Clock& clock,
                       prometheus::Family<prometheus::Gauge>& at_risk,
                       prometheus::Family<prometheus::Gauge>& past_deadline,
                       RiskGaugesOptions options)
    : store_(store),
      clock_(clock),
      at_risk_(at_risk),
      past_deadline_(past_deadline),
      options_(options),
      loop_(options_.interval, [this] {
        if (absl::Status s = RefreshOnce(); !s.ok()) {
          spdlog::warn("accessibility: cannot read the at-risk counts for the metrics: {}",
                       s.ToString());
        }
        return false;  // one read per interval
      }) {}

RiskGauges::~RiskGauges() { Stop(); }

absl::Status RiskGauges::RefreshOnce() {
  const int64_t now = clock_.NowUnixMs();
  absl::StatusOr<std::map<std::string, RiskCounts>> counts = store_.CountRisk(now);
  if (!counts.ok()) return counts.status();
  MutexLock lock(&mu_);
  for (const auto& [org, c] : *counts) {
    if (c.at_risk > 0 || c.past_deadline > 0) last_nonzero_ms_[org] = now;
  }
  for (auto it = last_nonzero_ms_.begin(); it != last_nonzero_ms_.end();) {
    const std::map<std::string, std::string> labels = {{"org_id", it->first}};
    auto found = counts->find(it->first);
    const RiskCounts c = found == counts->end() ? RiskCounts{} : found->second;
    if (c.at_risk == 0 && c.past_deadline == 0 &&
        now - it->second >= options_.keep_zero_series.count()) {
      at_risk_.Remove(&at_risk_.Add(labels));
      past_deadline_.Remove(&past_deadline_.Add(labels));
      it = last_nonzero_ms_.erase(it);
      continue;
    }
    at_risk_.Add(labels).Set(static_cast<double>(c.at_risk));
    past_deadline_.Add(labels).Set(static_cast<double>(c.past_deadline));
    ++it;
  }
  return absl::OkStatus();
}

void RiskGauges::Start() { loop_.Start(); }

void RiskGauges::Stop() { loop_.Stop(); }

}  // namespace events::accessibility
