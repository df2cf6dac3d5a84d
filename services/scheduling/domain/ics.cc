#include "services/scheduling/domain/ics.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "common/time/local_time.h"
#include "services/scheduling/domain/public_view.h"

namespace events::scheduling {
namespace {

using events::v1::Event;

// This abseil build has its own string_view, which StrCat cannot take from std::string_view.
absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

constexpr int64_t kYearMs = int64_t{366} * 24 * 3600 * 1000;

// First instant and last end of the events in one zone: the span its VTIMEZONE must cover.
struct ZoneSpan {
  int64_t first_ms = 0;
  int64_t last_ms = 0;
};

bool HasZone(const Event& e) {
  return time::ValidateTimeZone(e.details().time_zone(), "time_zone").ok();
}

bool HasEnd(const Event& e) { return e.end_unix_ms() > e.start_unix_ms(); }

// "+0100", "-0430", "+0530"; never "-0000", which RFC 5545 forbids.
std::string UtcOffset(int minutes) {
  int magnitude = minutes < 0 ? -minutes : minutes;
  return absl::StrFormat("%c%02d%02d", minutes < 0 ? '-' : '+', magnitude / 60, magnitude % 60);
}

// A parameter value must be quoted when it holds ':', ';' or ','; DQUOTE and control
// characters cannot appear in one at all, so they are dropped.
std::string ParamValue(std::string_view value) {
  std::string clean;
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F || c == '"') continue;
    clean.push_back(c);
  }
  if (clean.find_first_of(":;,") == std::string::npos) return clean;
  return absl::StrCat("\"", clean, "\"");
}

// A URI value: no escaping exists, so anything that could break the line is dropped.
std::string UriValue(std::string_view value) {
  std::string clean;
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) continue;
    clean.push_back(c);
  }
  return clean;
}

absl::string_view AvailabilityText(events::v1::ProvisionAvailability availability) {
  switch (availability) {
    case events::v1::PROVISION_AVAILABILITY_ALWAYS:
      return " (always)";
    case events::v1::PROVISION_AVAILABILITY_ON_REQUEST:
      return " (on request)";
    default:
      return "";
  }
}

std::string_view StatusText(events::v1::EventStatus status) {
  switch (status) {
    case events::v1::EVENT_STATUS_PUBLISHED:
    case events::v1::EVENT_STATUS_COMPLETED:
      return "CONFIRMED";
    case events::v1::EVENT_STATUS_DRAFT:
      return "TENTATIVE";
    case events::v1::EVENT_STATUS_CANCELLED:
      return "CANCELLED";
    default:
      return "";
  }
}

// Writes content lines. It sees only public views (RenderCalendar makes them), so it has no
// join link to hide.
class Writer {
 public:
  // A property whose value is already in its final form (dates, numbers, URIs).
  void Raw(std::string_view name, std::string_view value) {
    out_ += FoldIcsLine(absl::StrCat(Sv(name), ":", Sv(value)));
  }

  // A TEXT property, escaped. Empty values are left out, as an empty LOCATION only clutters
  // the calendar entry.
  void Text(std::string_view name, std::string_view value) {
    if (value.empty()) return;
    Raw(name, EscapeIcsText(value));
  }

  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

void WriteTimeZone(std::string_view zone, const ZoneSpan& span, Writer& w) {
  std::vector<time::ZoneTransition> transitions =
      time::TransitionsBetween(zone, span.first_ms - kYearMs, span.last_ms + kYearMs);
  w.Raw("BEGIN", "VTIMEZONE");
  w.Raw("TZID", zone);
  // Every event must fall after some observance's DTSTART. With no transition before the first
  // event (a zone without daylight saving), one observance from 1970 states the offset.
  if (transitions.empty() || transitions.front().at_unix_ms > span.first_ms) {
    time::ZoneState state = time::ZoneStateAt(span.first_ms, zone);
    std::string_view kind = state.dst ? "DAYLIGHT" : "STANDARD";
    w.Raw("BEGIN", kind);
    w.Raw("DTSTART", "19700101T000000");
    w.Raw("TZOFFSETFROM", UtcOffset(state.offset_minutes));
    w.Raw("TZOFFSETTO", UtcOffset(state.offset_minutes));
    w.Text("TZNAME", state.abbrev);
    w.Raw("END", kind);
  }
  for (const time::ZoneTransition& t : transitions) {
    std::string_view kind = t.dst_after ? "DAYLIGHT" : "STANDARD";
    w.Raw("BEGIN", kind);
    w.Raw("DTSTART", time::FormatIcsLocal(t.local_start));
    w.Raw("TZOFFSETFROM", UtcOffset(t.offset_before_minutes));
    w.Raw("TZOFFSETTO", UtcOffset(t.offset_after_minutes));
    w.Text("TZNAME", t.abbrev_after);
    w.Raw("END", kind);
  }
  w.Raw("END", "VTIMEZONE");
}

// Local time with TZID, so calendar programs show the organiser's wall time. A wall time the
// zone shows twice (a fall-back overlap) is written in UTC instead: RFC 5545 reads it as the
// first pass, but common calendar libraries read it as the second, an hour apart.
void WriteTime(std::string_view name, int64_t unix_ms, const Event& e, Writer& w) {
  if (!HasZone(e) || time::IsRepeatedWallTime(unix_ms, e.details().time_zone())) {
    w.Raw(name, time::FormatIcsUtc(unix_ms));
    return;
  }
  const std::string& zone = e.details().time_zone();
  w.Raw(absl::StrCat(Sv(name), ";TZID=", ParamValue(zone)),
        time::FormatIcsLocal(time::FromUnixMs(unix_ms, zone)));
}

// The description, then what an attendee needs to know about access and cancellation.
std::string Description(const Event& e) {
  const events::v1::EventDetails& d = e.details();
  std::vector<std::string> blocks;
  if (e.status() == events::v1::EVENT_STATUS_CANCELLED) {
    blocks.push_back(e.cancellation_reason().empty()
                         ? "This event is cancelled."
                         : absl::StrCat("This event is cancelled: ", e.cancellation_reason()));
  }
  if (!d.description().empty()) blocks.push_back(d.description());
  std::vector<std::string> access;
  for (const events::v1::OfferedProvision& p : d.accessibility().provisions()) {
    std::string line = absl::StrCat("Access: ", p.need(), AvailabilityText(p.availability()));
    if (!p.note().empty()) absl::StrAppend(&line, " - ", p.note());
    access.push_back(std::move(line));
  }
  bool in_person = d.format() == events::v1::EVENT_FORMAT_IN_PERSON ||
                   d.format() == events::v1::EVENT_FORMAT_HYBRID;
  if (in_person && !d.venue().access_information().empty()) {
    access.push_back(absl::StrCat("Venue access: ", d.venue().access_information()));
  }
  if (!access.empty()) blocks.push_back(absl::StrJoin(access, "\n"));
  return absl::StrJoin(blocks, "\n\n");
}

std::string OrganizerFallback(const IcsOptions& options) {
  if (!options.organizer_fallback_email.empty()) return options.organizer_fallback_email;
  return absl::StrCat("noreply@", Sv(options.uid_domain));
}

std::string Location(const events::v1::EventDetails& d) {
  if (d.format() == events::v1::EVENT_FORMAT_ONLINE) return "Online";
  std::vector<absl::string_view> parts;
  // Pointers, not copies: `parts` keeps views into the strings.
  for (const std::string* s : {&d.venue().name(), &d.venue().address(), &d.venue().postcode()}) {
    if (!s->empty()) parts.emplace_back(*s);
  }
  return absl::StrJoin(parts, ", ");
}

void WriteEvent(const Event& e, const IcsOptions& options, Writer& w) {
  const events::v1::EventDetails& d = e.details();
  w.Raw("BEGIN", "VEVENT");
  w.Raw("UID", EscapeIcsText(absl::StrCat(e.id(), "@", options.uid_domain)));
  w.Raw("DTSTAMP", time::FormatIcsUtc(options.now_unix_ms));
  w.Raw("SEQUENCE", absl::StrCat(e.sequence()));
  WriteTime("DTSTART", e.start_unix_ms(), e, w);
  // RFC 5545 requires DTEND after DTSTART. An event without a positive length (none is
  // accepted any more, but older data may hold one) says so with DURATION rather than leaving
  // the length for each calendar program to guess.
  if (HasEnd(e)) {
    WriteTime("DTEND", e.end_unix_ms(), e, w);
  } else {
    w.Raw("DURATION", "PT0S");
  }
  // RFC 5546 PUBLISH requires SUMMARY, even empty.
  w.Raw("SUMMARY", EscapeIcsText(d.title()));
  w.Text("DESCRIPTION", Description(e));
  w.Text("LOCATION", Location(d));
  // RFC 5546 requires ORGANIZER in PUBLISH and CANCEL. Without an organiser e-mail the
  // configured no-reply address stands in, the same in every file, so a later CANCEL matches
  // the entry the PUBLISH made.
  const events::v1::Contact& contact = d.organiser_contact();
  std::string email = UriValue(contact.email());
  if (email.empty()) email = UriValue(OrganizerFallback(options));
  std::string cn = ParamValue(contact.name());
  w.Raw(cn.empty() ? "ORGANIZER" : absl::StrCat("ORGANIZER;CN=", cn), "mailto:" + email);
  std::string_view status = StatusText(e.status());
  if (!status.empty()) w.Raw("STATUS", status);
  if (e.created_unix_ms() > 0) w.Raw("CREATED", time::FormatIcsUtc(e.created_unix_ms()));
  if (e.updated_unix_ms() > 0) w.Raw("LAST-MODIFIED", time::FormatIcsUtc(e.updated_unix_ms()));
  w.Raw("END", "VEVENT");
}

}  // namespace

std::string EscapeIcsText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        // "\r\n" becomes one newline; a lone CR is a newline too (old Mac text).
        if (i + 1 >= text.size() || text[i + 1] != '\n') out += "\\n";
        break;
      default: {
        unsigned char u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7F) break;
        out.push_back(c);
      }
    }
  }
  return out;
}

std::string FoldIcsLine(std::string_view line) {
  constexpr size_t kMaxOctets = 75;
  std::string out;
  out.reserve(line.size() + line.size() / 70 * 3 + 2);
  size_t pos = 0;
  size_t room = kMaxOctets;  // continuation lines lose one octet to the leading space
  while (line.size() - pos > room) {
    size_t cut = pos + room;
    // Back up to the start of a UTF-8 sequence (continuation bytes are 10xxxxxx).
    while (cut > pos && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    if (cut == pos) cut = pos + room;  // not UTF-8 at all: cut anyway rather than loop
    out.append(line.substr(pos, cut - pos));
    out += "\r\n ";
    pos = cut;
    room = kMaxOctets - 1;
  }
  out.append(line.substr(pos));
  out += "\r\n";
  return out;
}

std::string RenderCalendar(const std::vector<Event>& full_events, const IcsOptions& options) {
  // Calendar files are public and get forwarded: whatever view the caller passes, only public
  // views are written, and the calendar's name loses every event's link too.
  std::vector<std::string> links;
  std::vector<Event> events;
  events.reserve(full_events.size());
  for (const Event& e : full_events) {
    links.push_back(e.details().join_link());
    events.push_back(PublicEventView(e));
  }
  const std::string calendar_name = ScrubJoinLinks(options.calendar_name, links);

  // Sorted by zone name so the same events always render to the same bytes.
  std::map<std::string, ZoneSpan> zones;
  // RFC 5546 CANCEL: every component has the same UID, so only a file of one cancelled event
  // is a CANCEL; several cancelled events (a series) are a PUBLISH with STATUS:CANCELLED each.
  const bool cancel =
      events.size() == 1 && events[0].status() == events::v1::EVENT_STATUS_CANCELLED;
  for (const Event& e : events) {
    if (!HasZone(e)) continue;
    int64_t last = HasEnd(e) ? e.end_unix_ms() : e.start_unix_ms();
    auto [it, inserted] =
        zones.try_emplace(e.details().time_zone(), ZoneSpan{e.start_unix_ms(), last});
    if (!inserted) {
      it->second.first_ms = std::min(it->second.first_ms, e.start_unix_ms());
      it->second.last_ms = std::max(it->second.last_ms, last);
    }
  }

  Writer w;
  w.Raw("BEGIN", "VCALENDAR");
  w.Raw("VERSION", "2.0");
  w.Text("PRODID", options.product_id);
  w.Raw("CALSCALE", "GREGORIAN");
  w.Raw("METHOD", cancel ? "CANCEL" : "PUBLISH");
  w.Text("NAME", calendar_name);
  w.Text("X-WR-CALNAME", calendar_name);
  for (const auto& [zone, span] : zones) WriteTimeZone(zone, span, w);
  for (const Event& e : events) WriteEvent(e, options, w);
  w.Raw("END", "VCALENDAR");
  return w.Take();
}

}  // namespace events::scheduling
