#include "services/web/pages/format.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace events::web {
namespace {

struct LocalParts {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0;
};

bool Number(absl::string_view s, size_t at, size_t len, int* out) {
  if (at + len > s.size()) return false;
  for (size_t i = at; i < at + len; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return absl::SimpleAtoi(s.substr(at, len), out);
}

// "2026-03-30T10:00:00+01:00": the local date and time as written.
bool Parse(absl::string_view s, LocalParts* p) {
  return s.size() >= 16 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' &&
         Number(s, 0, 4, &p->year) && Number(s, 5, 2, &p->month) && Number(s, 8, 2, &p->day) &&
         Number(s, 11, 2, &p->hour) && Number(s, 14, 2, &p->minute) && p->month >= 1 &&
         p->month <= 12 && p->day >= 1 && p->day <= 31 && p->hour <= 23 && p->minute <= 59;
}

// 0 = Sunday (Sakamoto's method, proleptic Gregorian).
int Weekday(int y, int m, int d) {
  static constexpr int kOffsets[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
  if (m < 3) y -= 1;
  return (y + y / 4 - y / 100 + y / 400 + kOffsets[m - 1] + d) % 7;
}

std::string Date(const Catalogue& messages, const LocalParts& p) {
  return absl::StrCat(messages.Text(absl::StrCat("day_", Weekday(p.year, p.month, p.day))), " ",
                      p.day, " ", messages.Text(absl::StrCat("month_", p.month)), " ", p.year);
}

}  // namespace

std::string ClockText(const Catalogue& messages, int hour, int minute) {
  if (minute == 0 && hour == 12) return messages.Text("time_midday");
  if (minute == 0 && hour == 0) return messages.Text("time_midnight");
  const int twelve = hour % 12 == 0 ? 12 : hour % 12;
  const std::string suffix = messages.Text(hour < 12 ? "time_am" : "time_pm");
  if (minute == 0) return absl::StrCat(twelve, suffix);
  return absl::StrCat(twelve, ":", absl::StrFormat("%02d", minute), suffix);
}

std::string DateText(const Catalogue& messages, absl::string_view rfc3339) {
  LocalParts p;
  if (!Parse(rfc3339, &p)) return "";
  return Date(messages, p);
}

std::string WhenText(const Catalogue& messages, absl::string_view start, absl::string_view end) {
  LocalParts s;
  LocalParts e;
  if (!Parse(start, &s)) return "";
  std::string out = absl::StrCat(Date(messages, s), ", ", ClockText(messages, s.hour, s.minute));
  if (!Parse(end, &e)) return out;
  const bool same_day = s.year == e.year && s.month == e.month && s.day == e.day;
  return absl::StrCat(out, " ", messages.Text("time_to"), " ",
                      same_day ? "" : absl::StrCat(Date(messages, e), ", "),
                      ClockText(messages, e.hour, e.minute));
}

std::string TimeRangeText(const Catalogue& messages, absl::string_view start,
                          absl::string_view end) {
  LocalParts s;
  LocalParts e;
  if (!Parse(start, &s) || !Parse(end, &e)) return "";
  return absl::StrCat(ClockText(messages, s.hour, s.minute), " ", messages.Text("time_to"), " ",
                      ClockText(messages, e.hour, e.minute));
}

std::string ZoneText(const Catalogue& messages, absl::string_view zone) {
  if (zone == "Europe/London") return messages.Text("zone_uk");
  return messages.Format("zone_other", {{"zone", zone}});
}

}  // namespace events::web
