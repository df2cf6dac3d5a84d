#include "services/web/console/event_time.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "services/web/pages/format.h"

namespace events::web::console {
namespace {

bool AllDigits(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::optional<absl::CivilDay> MakeDay(absl::string_view y, absl::string_view m,
                                      absl::string_view d) {
  int year = 0, month = 0, day = 0;
  if (!AllDigits(y) || !AllDigits(m) || !AllDigits(d) || y.size() != 4 || m.size() > 2 ||
      d.size() > 2 || !absl::SimpleAtoi(y, &year) || !absl::SimpleAtoi(m, &month) ||
      !absl::SimpleAtoi(d, &day)) {
    return std::nullopt;
  }
  const absl::CivilDay civil(year, month, day);
  // CivilDay normalises 31/2 to 3/3: a date that is not on the calendar is refused instead.
  if (civil.year() != year || civil.month() != month || civil.day() != day) return std::nullopt;
  return civil;
}

}  // namespace

std::optional<absl::CivilDay> ParseFormDate(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  if (text.size() > 10) return std::nullopt;
  std::vector<absl::string_view> parts = absl::StrSplit(text, '/');
  if (parts.size() == 3) return MakeDay(parts[2], parts[1], parts[0]);
  parts = absl::StrSplit(text, '-');
  if (parts.size() == 3) return MakeDay(parts[0], parts[1], parts[2]);
  return std::nullopt;
}

std::optional<absl::CivilMinute> ParseFormTime(absl::CivilDay day, absl::string_view text) {
  std::string t = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  if (t.empty() || t.size() > 8) return std::nullopt;
  int add = -1;  // -1: a 24-hour time; 0: am; 12: pm
  if (absl::EndsWith(t, "am") || absl::EndsWith(t, "pm")) {
    add = absl::EndsWith(t, "pm") ? 12 : 0;
    t = std::string(absl::StripAsciiWhitespace(t.substr(0, t.size() - 2)));
  }
  std::vector<absl::string_view> parts = absl::StrSplit(t, absl::ByAnyChar(":."));
  if (parts.size() > 2 || (parts.size() == 1 && add < 0)) return std::nullopt;
  int hour = 0, minute = 0;
  if (!AllDigits(parts[0]) || parts[0].size() > 2 || !absl::SimpleAtoi(parts[0], &hour)) {
    return std::nullopt;
  }
  if (parts.size() == 2 &&
      (!AllDigits(parts[1]) || parts[1].size() != 2 || !absl::SimpleAtoi(parts[1], &minute))) {
    return std::nullopt;
  }
  if (minute > 59) return std::nullopt;
  if (add >= 0) {
    if (hour < 1 || hour > 12) return std::nullopt;
    hour = hour % 12 + add;
  } else if (hour > 23) {
    return std::nullopt;
  }
  return absl::CivilMinute(day.year(), day.month(), day.day(), hour, minute);
}

std::string LocalValue(absl::CivilMinute t) {
  return absl::StrFormat("%04d-%02d-%02dT%02d:%02d", t.year(), t.month(), t.day(), t.hour(),
                         t.minute());
}

std::optional<absl::CivilMinute> ParseLocalValue(absl::string_view value) {
  if (value.size() < 16 || value[10] != 'T') return std::nullopt;
  const auto day = MakeDay(value.substr(0, 4), value.substr(5, 2), value.substr(8, 2));
  if (!day || value[4] != '-' || value[7] != '-') return std::nullopt;
  return ParseFormTime(*day, value.substr(11, 5));
}

WallTime CheckWallTime(absl::string_view zone, absl::CivilMinute t) {
  absl::TimeZone tz;
  if (zone.empty() || !absl::LoadTimeZone(std::string(zone), &tz)) return WallTime::kUnknownZone;
  switch (tz.At(absl::CivilSecond(t)).kind) {
    case absl::TimeZone::TimeInfo::SKIPPED:
      return WallTime::kSkipped;
    case absl::TimeZone::TimeInfo::REPEATED:
      return WallTime::kRepeated;
    default:
      return WallTime::kUnique;
  }
}

std::string ZonePhrase(const Catalogue& messages, absl::string_view zone) {
  if (zone == "Europe/London") return messages.Text("console_events_uk_time");
  return messages.Format("console_events_zone_time", {{"zone", zone}});
}

std::string FormDateText(absl::CivilDay day) {
  return absl::StrCat(day.day(), "/", day.month(), "/", day.year());
}

std::string FormTimeText(absl::CivilMinute t) {
  return absl::StrFormat("%02d:%02d", t.hour(), t.minute());
}

std::string TimeOnDateText(const Catalogue& messages, absl::CivilMinute t) {
  return messages.Format(
      "console_events_time_on_date",
      {{"time", ClockText(messages, t.hour(), t.minute())},
       {"date", absl::StrCat(t.day(), " ", messages.Text(absl::StrCat("month_", t.month())), " ",
                             t.year())}});
}

}  // namespace events::web::console
