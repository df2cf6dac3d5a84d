// Wall-clock times in IANA time zones: parsing, validation, conversion to instants and back.
//
// Organisers write times as they read them on a clock in the event's zone ("10:00 in London"),
// so the platform stores the local time plus the zone and derives the instant. Two local times
// need a rule because the clock skips or repeats them:
//   * In a spring-forward gap (Europe/London 2026-03-29 01:00-02:00) the time never happens.
//     ToUnixMs refuses it; ToUnixMsShiftingGaps moves it forward by the length of the gap, as
//     RFC 5545 does for recurring events (01:30 becomes 02:30 BST).
//   * In a fall-back overlap (Europe/London 2026-10-25 01:00-02:00) the time happens twice.
//     Both functions pick the EARLIER instant: the first time the clock shows it, still on
//     daylight-saving time (01:30 is 00:30Z, not 01:30Z). RFC 5545 makes the same choice.
//
// Zone data comes from the operating system's tz database through Howard Hinnant's date/tz.
// That library reads only the explicit transitions of the zoneinfo files, which end in 2037;
// after that it would silently keep the 2037 winter offset, so ToUnixMs refuses years after
// kLatestSupportedYear instead of returning a wrong instant.
//
// Thread safety: every function is safe to call concurrently. date/tz loads the database once,
// behind a function-local static, and each zone's data behind a std::once_flag.
// No function throws: date/tz exceptions are caught inside.
#ifndef EVENTS_COMMON_TIME_LOCAL_TIME_H_
#define EVENTS_COMMON_TIME_LOCAL_TIME_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace events::time {

// The last year for which the tz database gives reliable daylight-saving rules (see above).
inline constexpr int kLatestSupportedYear = 2037;

// A date and time on a wall clock, without a zone. Fields are not validated by the struct;
// values from the parsers below are always valid.
struct LocalDateTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;

  bool operator==(const LocalDateTime& o) const;
  bool operator!=(const LocalDateTime& o) const { return !(*this == o); }
  bool operator<(const LocalDateTime& o) const;
  bool operator<=(const LocalDateTime& o) const { return !(o < *this); }
  bool operator>(const LocalDateTime& o) const { return o < *this; }
  bool operator>=(const LocalDateTime& o) const { return !(*this < o); }

  // "2026-03-29T01:30"; ":SS" is appended only when second != 0. Round-trips through
  // ParseLocalDateTime.
  std::string ToString() const;
};

struct LocalDate {
  int year = 0, month = 0, day = 0;

  bool operator==(const LocalDate& o) const;
  bool operator!=(const LocalDate& o) const { return !(*this == o); }
  bool operator<(const LocalDate& o) const;
  bool operator<=(const LocalDate& o) const { return !(o < *this); }
  bool operator>(const LocalDate& o) const { return o < *this; }

  // "2026-03-29".
  std::string ToString() const;
};

// Parses "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS" (a space instead of the T is accepted).
// Returns INVALID_ARGUMENT naming `field`, the text and the expected format when the text has
// another shape or a field is out of range (month 01-12, the month's days with Feb 29 only in
// leap years, hour 00-23, minute and second 00-59), or "<field> is required" when empty.
absl::StatusOr<LocalDateTime> ParseLocalDateTime(std::string_view text, std::string_view field);

// Parses "YYYY-MM-DD"; errors as ParseLocalDateTime.
absl::StatusOr<LocalDate> ParseLocalDate(std::string_view text, std::string_view field);

// OK when `zone` names a zone of the IANA tz database ("Europe/London", "Asia/Kolkata", "UTC";
// case-sensitive). INVALID_ARGUMENT `<field>: "Mars/Base" is not an IANA time zone name, e.g.
// Europe/London` otherwise, and "<field> is required" when empty.
absl::Status ValidateTimeZone(std::string_view zone, std::string_view field);

// OK when the tz database can be read. FAILED_PRECONDITION saying to install tzdata otherwise;
// call it at start-up so a host without zone data fails fast instead of refusing every zone.
absl::Status CheckTimeZoneDatabase();

// The instant (ms since the Unix epoch) at which clocks in `zone` show `local`.
// Ambiguous times resolve to the earlier instant (see the top of this file). Returns
// INVALID_ARGUMENT naming `field` when the time falls in a gap (saying where the gap is and to
// choose a time outside it), when `local` is not a valid date-time, when the year is after
// kLatestSupportedYear, or when the zone is unknown.
absl::StatusOr<int64_t> ToUnixMs(const LocalDateTime& local, std::string_view zone,
                                 std::string_view field);

// As ToUnixMs, but a time in a gap is moved forward by the gap's length (RFC 5545), so it
// never fails for a valid time in a known zone up to kLatestSupportedYear. Used for the
// occurrences of a recurring event.
absl::StatusOr<int64_t> ToUnixMsShiftingGaps(const LocalDateTime& local, std::string_view zone);

// The wall-clock time in `zone` at an instant (milliseconds are dropped, rounding down).
// `zone` must already be validated; an unknown zone is treated as UTC rather than failing.
LocalDateTime FromUnixMs(int64_t unix_ms, std::string_view zone);

// True when the wall time clocks in `zone` show at this instant is shown twice (it falls in a
// fall-back overlap, on either pass), so the local time alone does not name the instant.
// False for an unknown zone.
bool IsRepeatedWallTime(int64_t unix_ms, std::string_view zone);

// RFC 3339 with the zone's offset at that instant: "2026-03-30T10:00:00+01:00". UTC is written
// "+00:00", never "Z", so every value has the same shape. Unknown zones are treated as UTC.
std::string FormatRfc3339(int64_t unix_ms, std::string_view zone);

// RFC 5545 DATE-TIME forms: UTC "20260330T090000Z" and floating/local "20260330T100000".
std::string FormatIcsUtc(int64_t unix_ms);
std::string FormatIcsLocal(const LocalDateTime& local);

// The zone's UTC offset in minutes at an instant (+60 for BST, +330 for Asia/Kolkata, -240 for
// New York summer time). Unknown zones give 0.
int OffsetMinutesAt(int64_t unix_ms, std::string_view zone);

// What clocks in a zone show at an instant: offset, daylight-saving flag, abbreviation ("BST").
// An unknown zone gives UTC's state.
struct ZoneState {
  int offset_minutes = 0;
  bool dst = false;
  std::string abbrev;
};
ZoneState ZoneStateAt(int64_t unix_ms, std::string_view zone);

// A change of a zone's offset, daylight-saving flag or abbreviation.
struct ZoneTransition {
  int64_t at_unix_ms = 0;
  int offset_before_minutes = 0;
  int offset_after_minutes = 0;
  bool dst_after = false;
  std::string abbrev_after;
  // The wall clock at the transition in the offset before it, e.g. 2026-03-29T01:00 for
  // London's spring-forward (this is what an RFC 5545 VTIMEZONE DTSTART holds).
  LocalDateTime local_start;
};

// The transitions of `zone` with from_unix_ms <= at_unix_ms < to_unix_ms, oldest first.
// Empty for an unknown zone or a zone without changes in the range.
std::vector<ZoneTransition> TransitionsBetween(std::string_view zone, int64_t from_unix_ms,
                                               int64_t to_unix_ms);

// Calendar arithmetic on wall-clock times, ignoring zones: AddMinutes(23:30, 60) is 00:30 the
// next day even if a clock change happens in between. `t` must be valid.
LocalDateTime AddMinutes(const LocalDateTime& t, int64_t minutes);

// b - a in wall-clock minutes (whole minutes, truncated toward zero).
int64_t MinutesBetween(const LocalDateTime& a, const LocalDateTime& b);

// ISO weekday: 1 = Monday .. 7 = Sunday. `d` must be valid.
int DayOfWeek(const LocalDate& d);

// Helpers for calendar code (recurrence rules) that the API above is built on.
bool IsLeapYear(int year);
int DaysInMonth(int year, int month);  // 0 when month is not 1..12
bool IsValid(const LocalDate& d);
bool IsValid(const LocalDateTime& t);
LocalDate DateOf(const LocalDateTime& t);
LocalDateTime AtTimeOf(const LocalDate& d, const LocalDateTime& time_of_day);
LocalDate AddDays(const LocalDate& d, int64_t days);
// English weekday name for 1..7 ("Monday"), "" otherwise.
std::string_view WeekdayName(int iso_weekday);

}  // namespace events::time

#endif  // EVENTS_COMMON_TIME_LOCAL_TIME_H_
