// Conversions between the plain structs of local_time.h and date/date.h types, shared by the
// two .cc files of events_time. Not part of the public API.
#ifndef EVENTS_COMMON_TIME_CALENDAR_INTERNAL_H_
#define EVENTS_COMMON_TIME_CALENDAR_INTERNAL_H_

#include <chrono>
#include <string_view>

#include "absl/strings/string_view.h"
#include "common/time/local_time.h"
#include "date/date.h"

namespace events::time::internal {

// This abseil build has its own string_view type, which StrCat cannot take from a
// std::string_view; the public API uses std::string_view as the C++17 vocabulary type.
inline absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

inline date::local_days ToDays(const LocalDate& d) {
  return date::local_days{date::year{d.year} / d.month / d.day};
}

inline date::local_seconds ToLocalSeconds(const LocalDateTime& t) {
  return ToDays(DateOf(t)) + std::chrono::hours{t.hour} + std::chrono::minutes{t.minute} +
         std::chrono::seconds{t.second};
}

inline LocalDateTime FromLocalSeconds(date::local_seconds s) {
  date::local_days days = date::floor<date::days>(s);
  date::year_month_day ymd{days};
  date::hh_mm_ss<std::chrono::seconds> tod{s - days};
  return LocalDateTime{static_cast<int>(ymd.year()),
                       static_cast<int>(unsigned(ymd.month())),
                       static_cast<int>(unsigned(ymd.day())),
                       static_cast<int>(tod.hours().count()),
                       static_cast<int>(tod.minutes().count()),
                       static_cast<int>(tod.seconds().count())};
}

}  // namespace events::time::internal

#endif  // EVENTS_COMMON_TIME_CALENDAR_INTERNAL_H_
