// Zone-free half of local_time.h: parsing, formatting and calendar arithmetic.
#include "common/time/local_time.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/time/calendar_internal.h"
#include "date/date.h"

namespace events::time {
namespace {

constexpr absl::string_view kDateTimeHint = "use YYYY-MM-DDTHH:MM, e.g. 2026-12-10T10:00";
constexpr absl::string_view kDateHint = "use YYYY-MM-DD, e.g. 2026-12-10";

// Reads exactly `n` ASCII digits at `pos`; false if any is not a digit. Stricter than
// absl::SimpleAtoi, which would accept signs and spaces.
bool ReadDigits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// Echoes user input in an error message without letting it flood or garble the message.
std::string QuoteInput(std::string_view text) {
  constexpr size_t kMaxEcho = 40;
  std::string out = "\"";
  size_t n = text.size() > kMaxEcho ? kMaxEcho : text.size();
  // Never cut a UTF-8 sequence in half.
  while (n > 0 && n < text.size() && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    out.push_back(c < 0x20 || c == 0x7F || c == '"' ? '?' : static_cast<char>(c));
  }
  if (n < text.size()) out += "...";
  out += "\"";
  return out;
}

// Names what is wrong with well-shaped but out-of-range date fields; "" when they are fine.
std::string DateRangeProblem(int year, int month, int day) {
  if (year < 1) return "the year must be 0001 or later";
  if (month < 1 || month > 12) return "the month must be 01 to 12";
  int days = DaysInMonth(year, month);
  if (day < 1 || day > days) {
    if (month == 2 && day == 29) return absl::StrFormat("%04d is not a leap year", year);
    return absl::StrFormat("%04d-%02d has %d days", year, month, days);
  }
  return "";
}

absl::Status DateTimeError(std::string_view field, std::string_view text,
                           std::string_view problem) {
  std::string msg = absl::StrCat(internal::Sv(field), ": ", QuoteInput(text),
                                 " is not a valid local date-time; ", kDateTimeHint);
  if (!problem.empty()) absl::StrAppend(&msg, " (", internal::Sv(problem), ")");
  return absl::InvalidArgumentError(msg);
}

absl::Status DateError(std::string_view field, std::string_view text, std::string_view problem) {
  std::string msg = absl::StrCat(internal::Sv(field), ": ", QuoteInput(text),
                                 " is not a valid date; ", kDateHint);
  if (!problem.empty()) absl::StrAppend(&msg, " (", internal::Sv(problem), ")");
  return absl::InvalidArgumentError(msg);
}

// Parses "YYYY-MM-DD" at the start of `text` without range checks.
bool ReadDate(std::string_view text, LocalDate* d) {
  return ReadDigits(text, 0, 4, &d->year) && text.size() >= 10 && text[4] == '-' &&
         ReadDigits(text, 5, 2, &d->month) && text[7] == '-' && ReadDigits(text, 8, 2, &d->day);
}

}  // namespace

bool LocalDateTime::operator==(const LocalDateTime& o) const {
  return std::tie(year, month, day, hour, minute, second) ==
         std::tie(o.year, o.month, o.day, o.hour, o.minute, o.second);
}

bool LocalDateTime::operator<(const LocalDateTime& o) const {
  return std::tie(year, month, day, hour, minute, second) <
         std::tie(o.year, o.month, o.day, o.hour, o.minute, o.second);
}

std::string LocalDateTime::ToString() const {
  std::string s = absl::StrFormat("%04d-%02d-%02dT%02d:%02d", year, month, day, hour, minute);
  if (second != 0) absl::StrAppendFormat(&s, ":%02d", second);
  return s;
}

bool LocalDate::operator==(const LocalDate& o) const {
  return std::tie(year, month, day) == std::tie(o.year, o.month, o.day);
}

bool LocalDate::operator<(const LocalDate& o) const {
  return std::tie(year, month, day) < std::tie(o.year, o.month, o.day);
}

std::string LocalDate::ToString() const {
  return absl::StrFormat("%04d-%02d-%02d", year, month, day);
}

absl::StatusOr<LocalDateTime> ParseLocalDateTime(std::string_view text, std::string_view field) {
  if (text.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(internal::Sv(field), " is required; ", kDateTimeHint));
  }
  LocalDate d;
  LocalDateTime t;
  bool shaped = text.size() >= 16 && ReadDate(text, &d) && (text[10] == 'T' || text[10] == ' ') &&
                ReadDigits(text, 11, 2, &t.hour) && text[13] == ':' &&
                ReadDigits(text, 14, 2, &t.minute);
  if (shaped && text.size() != 16) {
    shaped = text.size() == 19 && text[16] == ':' && ReadDigits(text, 17, 2, &t.second);
  }
  if (!shaped) {
    // A common mistake is pasting an instant ("...Z", "...+01:00"): say why it is refused.
    bool has_offset = text.size() > 16 && text.find_first_of("Zz+-", 16) != std::string_view::npos;
    return DateTimeError(field, text,
                         has_offset ? "leave out the offset or Z: the time zone gives it" : "");
  }
  std::string problem = DateRangeProblem(d.year, d.month, d.day);
  if (problem.empty() && t.hour > 23) problem = "the hour must be 00 to 23";
  if (problem.empty() && t.minute > 59) problem = "the minute must be 00 to 59";
  if (problem.empty() && t.second > 59) problem = "the second must be 00 to 59";
  if (!problem.empty()) return DateTimeError(field, text, problem);
  t.year = d.year;
  t.month = d.month;
  t.day = d.day;
  return t;
}

absl::StatusOr<LocalDate> ParseLocalDate(std::string_view text, std::string_view field) {
  if (text.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(internal::Sv(field), " is required; ", kDateHint));
  }
  LocalDate d;
  if (text.size() != 10 || !ReadDate(text, &d)) return DateError(field, text, "");
  std::string problem = DateRangeProblem(d.year, d.month, d.day);
  if (!problem.empty()) return DateError(field, text, problem);
  return d;
}

std::string FormatIcsLocal(const LocalDateTime& local) {
  return absl::StrFormat("%04d%02d%02dT%02d%02d%02d", local.year, local.month, local.day,
                         local.hour, local.minute, local.second);
}

bool IsLeapYear(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

bool IsValid(const LocalDate& d) {
  return d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
         d.day <= DaysInMonth(d.year, d.month);
}

bool IsValid(const LocalDateTime& t) {
  return IsValid(DateOf(t)) && t.hour >= 0 && t.hour <= 23 && t.minute >= 0 && t.minute <= 59 &&
         t.second >= 0 && t.second <= 59;
}

LocalDate DateOf(const LocalDateTime& t) { return LocalDate{t.year, t.month, t.day}; }

LocalDateTime AtTimeOf(const LocalDate& d, const LocalDateTime& time_of_day) {
  return LocalDateTime{
      d.year, d.month, d.day, time_of_day.hour, time_of_day.minute, time_of_day.second};
}

LocalDate AddDays(const LocalDate& d, int64_t days) {
  date::year_month_day ymd{internal::ToDays(d) + date::days{days}};
  return LocalDate{static_cast<int>(ymd.year()), static_cast<int>(unsigned(ymd.month())),
                   static_cast<int>(unsigned(ymd.day()))};
}

LocalDateTime AddMinutes(const LocalDateTime& t, int64_t minutes) {
  return internal::FromLocalSeconds(internal::ToLocalSeconds(t) + std::chrono::minutes{minutes});
}

int64_t MinutesBetween(const LocalDateTime& a, const LocalDateTime& b) {
  auto diff = internal::ToLocalSeconds(b) - internal::ToLocalSeconds(a);
  return std::chrono::duration_cast<std::chrono::minutes>(diff).count();
}

int DayOfWeek(const LocalDate& d) {
  return static_cast<int>(date::weekday{internal::ToDays(d)}.iso_encoding());
}

std::string_view WeekdayName(int iso_weekday) {
  static constexpr std::string_view kNames[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                "Friday", "Saturday", "Sunday"};
  if (iso_weekday < 1 || iso_weekday > 7) return "";
  return kNames[iso_weekday - 1];
}

}  // namespace events::time
