// Zone half of local_time.h: everything that consults the tz database.
#include <chrono>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/time/calendar_internal.h"
#include "common/time/local_time.h"
#include "date/tz.h"

namespace events::time {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Instants are clamped to years 0001..9999 so that arithmetic on garbage input cannot
// overflow date's year type; real events are nowhere near either end.
constexpr int64_t kMinUnixMs = -62135596800000;  // 0001-01-01T00:00:00Z
constexpr int64_t kMaxUnixMs = 253402300799999;  // 9999-12-31T23:59:59.999Z

// nullptr for unknown names. date::locate_zone throws for those (and when the database
// cannot be read); no exception may leave this library.
const date::time_zone* FindZone(std::string_view name) noexcept {
  // These files sit in /usr/share/zoneinfo but are not IANA zone names: "localtime" is the
  // host's own setting and "posixrules" a zic implementation detail.
  if (name.empty() || name == "localtime" || name == "posixrules") return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

const date::time_zone* FindZoneOrUtc(std::string_view name) noexcept {
  const date::time_zone* zone = FindZone(name);
  return zone != nullptr ? zone : FindZone("UTC");
}

date::sys_seconds ToSysSeconds(int64_t unix_ms) {
  if (unix_ms < kMinUnixMs) unix_ms = kMinUnixMs;
  if (unix_ms > kMaxUnixMs) unix_ms = kMaxUnixMs;
  return date::floor<seconds>(date::sys_time<milliseconds>{milliseconds{unix_ms}});
}

int64_t ToUnixMsValue(date::sys_seconds s) {
  return std::chrono::duration_cast<milliseconds>(s.time_since_epoch()).count();
}

// The zone's offset at an instant, or 0 when the zone or its data is unusable.
seconds OffsetAt(const date::time_zone* zone, date::sys_seconds at) noexcept {
  if (zone == nullptr) return seconds{0};
  try {
    return zone->get_info(at).offset;
  } catch (const std::exception&) {
    return seconds{0};
  }
}

// Wall-clock time of a gap edge: just "01:00" when it is on the day the caller asked about.
std::string EdgeText(const LocalDateTime& edge, const LocalDateTime& asked) {
  if (DateOf(edge) != DateOf(asked)) return edge.ToString();
  std::string s = absl::StrFormat("%02d:%02d", edge.hour, edge.minute);
  if (edge.second != 0) absl::StrAppendFormat(&s, ":%02d", edge.second);
  return s;
}

absl::StatusOr<int64_t> Resolve(const LocalDateTime& local, std::string_view zone_name,
                                std::string_view field, bool shift_gaps) {
  if (!IsValid(local)) {
    return absl::InvalidArgumentError(
        absl::StrCat(internal::Sv(field), ": ", local.ToString(), " is not a valid date-time"));
  }
  if (local.year > kLatestSupportedYear) {
    return absl::InvalidArgumentError(absl::StrCat(internal::Sv(field), ": ", local.ToString(),
                                                   " is too far ahead; times up to ",
                                                   kLatestSupportedYear, "-12-31 are supported"));
  }
  const date::time_zone* zone = FindZone(zone_name);
  if (zone == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(internal::Sv(field), ": unknown time zone \"",
                                                   internal::Sv(zone_name),
                                                   "\"; use an IANA name, e.g. Europe/London"));
  }
  date::local_seconds wall = internal::ToLocalSeconds(local);
  date::local_info info;
  try {
    info = zone->get_info(wall);
  } catch (const std::exception& e) {
    return absl::InternalError(
        absl::StrCat("time zone data for ", internal::Sv(zone_name), ": ", e.what()));
  }
  // For a unique time `first` is the only offset. For an ambiguous one `first` is the offset
  // before the change (the larger, daylight-saving one), which gives the earlier instant. For
  // a gap, reading the wall time in the offset before the gap moves it forward by the gap.
  if (info.result == date::local_info::nonexistent && !shift_gaps) {
    date::sys_seconds change = info.second.begin;
    LocalDateTime from = internal::FromLocalSeconds(date::local_seconds{change.time_since_epoch()} +
                                                    info.first.offset);
    LocalDateTime to = internal::FromLocalSeconds(date::local_seconds{change.time_since_epoch()} +
                                                  info.second.offset);
    return absl::InvalidArgumentError(
        absl::StrCat(internal::Sv(field), ": ", local.ToString(), " does not exist in ",
                     internal::Sv(zone_name), " (clocks go forward from ", EdgeText(from, local),
                     " to ", EdgeText(to, local), "); choose a time outside the gap"));
  }
  date::sys_seconds instant{wall.time_since_epoch() - info.first.offset};
  return ToUnixMsValue(instant);
}

}  // namespace

absl::Status ValidateTimeZone(std::string_view zone, std::string_view field) {
  if (zone.empty())
    return absl::InvalidArgumentError(absl::StrCat(internal::Sv(field), " is required"));
  if (FindZone(zone) != nullptr) return absl::OkStatus();
  // Echo at most a short, printable prefix of what was sent.
  std::string shown;
  for (char c : zone.substr(0, 64)) {
    shown.push_back(static_cast<unsigned char>(c) < 0x20 || c == '"' ? '?' : c);
  }
  if (zone.size() > 64) shown += "...";
  return absl::InvalidArgumentError(absl::StrCat(
      internal::Sv(field), ": \"", shown, "\" is not an IANA time zone name, e.g. Europe/London"));
}

absl::Status CheckTimeZoneDatabase() {
  if (FindZone("Europe/London") != nullptr && FindZone("UTC") != nullptr) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(
      "the IANA time zone database could not be read from /usr/share/zoneinfo; install the "
      "tzdata package");
}

absl::StatusOr<int64_t> ToUnixMs(const LocalDateTime& local, std::string_view zone,
                                 std::string_view field) {
  return Resolve(local, zone, field, /*shift_gaps=*/false);
}

absl::StatusOr<int64_t> ToUnixMsShiftingGaps(const LocalDateTime& local, std::string_view zone) {
  return Resolve(local, zone, "time", /*shift_gaps=*/true);
}

LocalDateTime FromUnixMs(int64_t unix_ms, std::string_view zone) {
  date::sys_seconds at = ToSysSeconds(unix_ms);
  seconds offset = OffsetAt(FindZoneOrUtc(zone), at);
  return internal::FromLocalSeconds(date::local_seconds{at.time_since_epoch() + offset});
}

bool IsRepeatedWallTime(int64_t unix_ms, std::string_view zone_name) {
  const date::time_zone* zone = FindZone(zone_name);
  if (zone == nullptr) return false;
  date::sys_seconds at = ToSysSeconds(unix_ms);
  try {
    date::local_seconds wall{at.time_since_epoch() + zone->get_info(at).offset};
    return zone->get_info(wall).result == date::local_info::ambiguous;
  } catch (const std::exception&) {
    return false;
  }
}

std::string FormatRfc3339(int64_t unix_ms, std::string_view zone) {
  date::sys_seconds at = ToSysSeconds(unix_ms);
  // RFC 3339 offsets have no seconds; drop them (only pre-1900 local mean times have any) and
  // derive the wall time from the same rounded offset so the string names the right instant.
  int offset_minutes = static_cast<int>(OffsetAt(FindZoneOrUtc(zone), at).count() / 60);
  LocalDateTime t = internal::FromLocalSeconds(
      date::local_seconds{at.time_since_epoch() + std::chrono::minutes{offset_minutes}});
  int magnitude = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  return absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", t.year, t.month, t.day, t.hour,
                         t.minute, t.second, offset_minutes < 0 ? '-' : '+', magnitude / 60,
                         magnitude % 60);
}

std::string FormatIcsUtc(int64_t unix_ms) {
  LocalDateTime t =
      internal::FromLocalSeconds(date::local_seconds{ToSysSeconds(unix_ms).time_since_epoch()});
  return FormatIcsLocal(t) + "Z";
}

int OffsetMinutesAt(int64_t unix_ms, std::string_view zone) {
  return static_cast<int>(OffsetAt(FindZone(zone), ToSysSeconds(unix_ms)).count() / 60);
}

ZoneState ZoneStateAt(int64_t unix_ms, std::string_view zone_name) {
  ZoneState state{0, false, "UTC"};
  const date::time_zone* zone = FindZoneOrUtc(zone_name);
  if (zone == nullptr) return state;
  try {
    date::sys_info info = zone->get_info(ToSysSeconds(unix_ms));
    state.offset_minutes = static_cast<int>(info.offset.count() / 60);
    state.dst = info.save != std::chrono::minutes{0};
    state.abbrev = info.abbrev;
  } catch (const std::exception&) {
    // Keep the UTC state: formatting must not fail.
  }
  return state;
}

std::vector<ZoneTransition> TransitionsBetween(std::string_view zone_name, int64_t from_unix_ms,
                                               int64_t to_unix_ms) {
  std::vector<ZoneTransition> out;
  const date::time_zone* zone = FindZone(zone_name);
  if (zone == nullptr || from_unix_ms >= to_unix_ms) return out;
  // Transitions fall on whole seconds, so "at_ms >= from_ms" is "at_s >= ceil(from_ms / 1000)".
  date::sys_seconds from = date::ceil<seconds>(date::sys_time<milliseconds>{
      milliseconds{from_unix_ms < kMinUnixMs ? kMinUnixMs : from_unix_ms}});
  date::sys_seconds to = date::ceil<seconds>(date::sys_time<milliseconds>{
      milliseconds{to_unix_ms > kMaxUnixMs ? kMaxUnixMs : to_unix_ms}});
  // Bounds the loop even if the data were corrupt; real zones have a few hundred transitions.
  constexpr int kMaxSteps = 100000;
  try {
    // The period in force just before `from` ends at the first transition at or after it.
    date::sys_info period = zone->get_info(from - seconds{1});
    for (int step = 0; step < kMaxSteps && period.end < to; ++step) {
      date::sys_info next = zone->get_info(period.end);
      if (next.begin <= period.begin) break;  // no progress: end of the data
      bool changed =
          next.offset != period.offset ||
          (next.save != std::chrono::minutes{0}) != (period.save != std::chrono::minutes{0}) ||
          next.abbrev != period.abbrev;
      if (changed) {
        ZoneTransition t;
        t.at_unix_ms = ToUnixMsValue(period.end);
        t.offset_before_minutes = static_cast<int>(period.offset.count() / 60);
        t.offset_after_minutes = static_cast<int>(next.offset.count() / 60);
        t.dst_after = next.save != std::chrono::minutes{0};
        t.abbrev_after = next.abbrev;
        t.local_start = internal::FromLocalSeconds(
            date::local_seconds{period.end.time_since_epoch() + period.offset});
        out.push_back(std::move(t));
      }
      period = std::move(next);
    }
  } catch (const std::exception&) {
    // Unreadable zone data: report what was found so far rather than fail the caller.
  }
  return out;
}

}  // namespace events::time
