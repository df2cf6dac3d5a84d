#include "tools/eventctl/event_printer.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/time/local_time.h"
#include "services/accessibility/rules/catalogue.h"
#include "services/scheduling/domain/lifecycle.h"
#include "tools/eventctl/suggest.h"

namespace events::eventctl {
namespace {

constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr const char* kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

std::string FormatWord(events::v1::EventFormat f) {
  switch (f) {
    case events::v1::EVENT_FORMAT_ONLINE:
      return "online";
    case events::v1::EVENT_FORMAT_IN_PERSON:
      return "in person";
    case events::v1::EVENT_FORMAT_HYBRID:
      return "hybrid";
    default:
      return "unknown format";
  }
}

}  // namespace

std::string DescribeWhen(const events::v1::Event& e) {
  const std::string& zone = e.details().time_zone();
  time::LocalDateTime start = time::FromUnixMs(e.start_unix_ms(), zone);
  time::LocalDateTime end = time::FromUnixMs(e.end_unix_ms(), zone);
  int dow = time::DayOfWeek({start.year, start.month, start.day});
  std::string out = absl::StrFormat("%s %d %s %d, %02d:%02d", kDays[dow - 1], start.day,
                                    kMonths[start.month - 1], start.year, start.hour, start.minute);
  if (end.year == start.year && end.month == start.month && end.day == start.day) {
    absl::StrAppendFormat(&out, "-%02d:%02d", end.hour, end.minute);
  } else {
    absl::StrAppendFormat(&out, " to %d %s %d, %02d:%02d", end.day, kMonths[end.month - 1],
                          end.year, end.hour, end.minute);
  }
  absl::StrAppend(&out, " ", zone);
  return out;
}

std::string DescribeEvent(const events::v1::Event& e) {
  const auto& d = e.details();
  std::string out = absl::StrFormat("Event %s (%s, version %d)\n", e.id(),
                                    std::string(scheduling::StatusWord(e.status())), e.version());
  absl::StrAppendFormat(&out, "  Title:     %s\n", d.title());
  absl::StrAppendFormat(&out, "  When:      %s\n", DescribeWhen(e));
  absl::StrAppendFormat(&out, "  Format:    %s, %d places\n", FormatWord(d.format()), d.capacity());
  if (!d.join_link().empty()) absl::StrAppendFormat(&out, "  Join link: %s\n", d.join_link());
  if (!d.venue().name().empty()) {
    absl::StrAppendFormat(&out, "  Venue:     %s, %s\n", d.venue().name(), d.venue().address());
    if (!d.venue().access_information().empty()) {
      absl::StrAppendFormat(&out, "  Getting there: %s\n", d.venue().access_information());
    }
  }
  std::vector<std::string> access;
  for (const auto& p : d.accessibility().provisions()) {
    access.push_back(absl::StrCat(
        p.need(), p.availability() == events::v1::PROVISION_AVAILABILITY_ALWAYS ? " (always)"
                                                                                : " (on request)"));
  }
  if (!access.empty()) {
    absl::StrAppendFormat(&out, "  Access:    %s\n", absl::StrJoin(access, ", "));
  }
  if (d.accessibility().request_deadline_days() > 0) {
    absl::StrAppendFormat(&out, "             requests by %d days before the start\n",
                          d.accessibility().request_deadline_days());
  }
  if (!d.organiser_contact().email().empty()) {
    absl::StrAppendFormat(&out, "  Contact:   %s <%s>\n", d.organiser_contact().name(),
                          d.organiser_contact().email());
  }
  for (const auto& s : e.agenda()) {
    absl::StrAppendFormat(&out, "  Agenda:    %s-%s %s\n", s.start().value().substr(11),
                          s.end().value().substr(11), s.title());
  }
  if (e.sequence() > 0 && e.status() != events::v1::EVENT_STATUS_CANCELLED) {
    absl::StrAppendFormat(&out, "  Changed:   rescheduled %d time(s)\n", e.sequence());
  }
  if (!e.cancellation_reason().empty()) {
    absl::StrAppendFormat(&out, "  Cancelled: %s\n", e.cancellation_reason());
  }
  if (!e.series_id().empty()) {
    absl::StrAppendFormat(&out, "  Series:    %s (occurrence %d)\n", e.series_id(),
                          e.series_index());
  }
  return out;
}

std::string EventTable(const std::vector<events::v1::Event>& events) {
  if (events.empty()) return "No events.\n";
  std::string out = absl::StrFormat("%-34s %-10s %-40s %s\n", "ID", "STATUS", "WHEN", "TITLE");
  for (const auto& e : events) {
    absl::StrAppendFormat(&out, "%-34s %-10s %-40s %s\n", e.id(),
                          std::string(scheduling::StatusWord(e.status())), DescribeWhen(e),
                          e.details().title());
  }
  return out;
}

absl::StatusOr<events::v1::EventFormat> ParseMode(absl::string_view word) {
  std::string w = absl::AsciiStrToLower(word);
  if (w == "online") return events::v1::EVENT_FORMAT_ONLINE;
  if (w == "in-person" || w == "in_person" || w == "inperson") {
    return events::v1::EVENT_FORMAT_IN_PERSON;
  }
  if (w == "hybrid") return events::v1::EVENT_FORMAT_HYBRID;
  return absl::InvalidArgumentError(
      absl::StrCat("--mode \"", word, "\" is not one of online, in-person, hybrid"));
}

absl::StatusOr<events::v1::EventStatus> ParseStatus(absl::string_view word) {
  std::string w = absl::AsciiStrToLower(word);
  if (w == "draft") return events::v1::EVENT_STATUS_DRAFT;
  if (w == "published") return events::v1::EVENT_STATUS_PUBLISHED;
  if (w == "cancelled" || w == "canceled") return events::v1::EVENT_STATUS_CANCELLED;
  if (w == "completed") return events::v1::EVENT_STATUS_COMPLETED;
  if (w == "all" || w.empty()) return events::v1::EVENT_STATUS_UNSPECIFIED;
  return absl::InvalidArgumentError(absl::StrCat(
      "--status \"", word, "\" is not one of draft, published, cancelled, completed, all"));
}

absl::StatusOr<events::v1::OfferedProvision> ParseProvision(absl::string_view spec) {
  size_t colon = spec.find(':');
  events::v1::OfferedProvision p;
  absl::string_view when = colon == absl::string_view::npos ? "" : spec.substr(colon + 1);
  p.set_need(std::string(spec.substr(0, colon)));
  if (absl::Status need = CheckNeedCode(p.need(), absl::StrCat("--provision \"", spec, "\""));
      !need.ok()) {
    return need;
  }
  if (when == "always") {
    p.set_availability(events::v1::PROVISION_AVAILABILITY_ALWAYS);
  } else if (when == "on-request" || when == "on_request" || when == "request") {
    p.set_availability(events::v1::PROVISION_AVAILABILITY_ON_REQUEST);
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("--provision \"", spec,
                     "\" should be NEED:always or NEED:on-request, e.g. live_captions:always"));
  }
  return p;
}

absl::Status CheckNeedCode(absl::string_view need, absl::string_view field) {
  if (accessibility::FindNeed(need) != nullptr) return absl::OkStatus();
  std::vector<std::string> codes;
  for (const accessibility::NeedInfo& n : accessibility::DefaultNeeds()) codes.emplace_back(n.code);
  std::optional<std::string> close = ClosestMatch(need, codes);
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": \"", need, "\" is not a need code",
                   close.has_value() ? absl::StrCat("; did you mean ", *close, "?") : std::string(),
                   " (eventctl access catalogue show lists them)"));
}

}  // namespace events::eventctl
