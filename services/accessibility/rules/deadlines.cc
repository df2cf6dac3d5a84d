#include "services/accessibility/rules/deadlines.h"

#include <algorithm>

#include "common/time/local_time.h"

namespace events::accessibility {

absl::StatusOr<int64_t> NeedDeadline(int64_t start_unix_ms, const std::string& time_zone,
                                     int lead_time_days) {
  if (absl::Status zone = events::time::ValidateTimeZone(time_zone, "time_zone"); !zone.ok()) {
    return zone;
  }
  const events::time::LocalDateTime start = events::time::FromUnixMs(start_unix_ms, time_zone);
  const events::time::LocalDate day =
      events::time::AddDays(events::time::DateOf(start), -lead_time_days);
  return events::time::ToUnixMsShiftingGaps(events::time::AtTimeOf(day, start), time_zone);
}

absl::Status ApplyDeadlines(events::v1::AccessibilityRequest& request, int64_t start_unix_ms,
                            const std::string& time_zone, const LeadTimes& lead_times,
                            int64_t now_unix_ms) {
  int64_t earliest = 0;
  bool late = false;
  for (events::v1::RequestedNeed& need : *request.mutable_needs()) {
    absl::StatusOr<int64_t> deadline =
        NeedDeadline(start_unix_ms, time_zone, LeadTimeDays(lead_times, need.need()));
    if (!deadline.ok()) return deadline.status();
    need.set_deadline_unix_ms(*deadline);
    need.set_late(now_unix_ms > *deadline);
    late = late || need.late();
    earliest = earliest == 0 ? *deadline : std::min(earliest, *deadline);
  }
  request.set_deadline_unix_ms(earliest);
  request.set_late(late);
  return absl::OkStatus();
}

int64_t AtRiskDue(int64_t deadline_unix_ms, int64_t window_ms, int64_t now_unix_ms) {
  return std::max(deadline_unix_ms - window_ms, now_unix_ms);
}

}  // namespace events::accessibility
