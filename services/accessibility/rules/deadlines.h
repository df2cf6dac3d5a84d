#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "events/v1/accessibility.pb.h"
#include "services/accessibility/rules/catalogue.h"

namespace events::accessibility {

// The deadline of a need with `lead_time_days`: the same wall-clock time in the event's zone,
// that many calendar days before the start. Across a clock change this is not a multiple of
// 24 hours: 14 days before 10:00 BST on 5 April is 10:00 GMT on 22 March. A deadline in a
// spring-forward gap moves forward by the gap. INVALID_ARGUMENT for an unknown zone.
absl::StatusOr<int64_t> NeedDeadline(int64_t start_unix_ms, const std::string& time_zone,
                                     int lead_time_days);

// Fills the deadline and late flag of each need, the request's earliest deadline and its
// late flag, for a request made at `now_unix_ms`.
absl::Status ApplyDeadlines(events::v1::AccessibilityRequest& request, int64_t start_unix_ms,
                            const std::string& time_zone, const LeadTimes& lead_times,
                            int64_t now_unix_ms);

// When a request not yet met becomes at risk: `window_ms` before its deadline, but never
// before `now_unix_ms` (a late request is at risk at once).
int64_t AtRiskDue(int64_t deadline_unix_ms, int64_t window_ms, int64_t now_unix_ms);

}  // namespace events::accessibility
