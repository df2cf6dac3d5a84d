// Expands a series' RecurrenceRule (a subset of RFC 5545 RRULE) into local occurrence times.
#ifndef EVENTS_SERVICES_SCHEDULING_DOMAIN_RECURRENCE_H_
#define EVENTS_SERVICES_SCHEDULING_DOMAIN_RECURRENCE_H_

#include <vector>

#include "absl/status/statusor.h"
#include "common/time/local_time.h"
#include "events/v1/scheduling.pb.h"

namespace events::scheduling {

// The most occurrences one series may have (two years of weekly sessions).
inline constexpr int kMaxOccurrences = 104;

// Returns the local start times of every occurrence, oldest first, the first being
// `first_start` itself. Each keeps first_start's wall-clock time of day; turn them into
// instants with time::ToUnixMsShiftingGaps so a 10:00 London webinar stays at 10:00 local on
// both sides of a daylight-saving change.
//
// Semantics (see RecurrenceRule in scheduling.proto):
//   WEEKLY: every `interval` weeks (weeks start on Monday, as RFC 5545's default WKST=MO), on
//     each of by_weekday (default: first_start's weekday), from first_start on.
//   MONTHLY, week_of_month 0: every `interval` months on first_start's day of the month;
//     months without that day (the 31st in April) are skipped, not moved.
//   MONTHLY, week_of_month 1..4 or -1: on the nth (or last) by_weekday of every `interval`
//     months.
//   count: the number of occurrences including the first; until: the last local date an
//   occurrence may fall on (inclusive).
//
// Returns INVALID_ARGUMENT naming the field ("rule.count ...") for a rule that is malformed,
// that first_start does not satisfy, or whose `until` would give more than max_occurrences.
// Pure function; thread-safe.
absl::StatusOr<std::vector<time::LocalDateTime>> ExpandRecurrence(
    const events::v1::RecurrenceRule& rule, const time::LocalDateTime& first_start,
    int max_occurrences = kMaxOccurrences);

}  // namespace events::scheduling

#endif  // EVENTS_SERVICES_SCHEDULING_DOMAIN_RECURRENCE_H_
