// RFC 5545 calendar files for events, in the form calendar programs (Outlook, Google, Apple)
// import: CRLF lines folded at 75 octets, escaped TEXT, and a VTIMEZONE for every zone used so
// local times stay right even where the program's own zone data differs.
#ifndef EVENTS_SERVICES_SCHEDULING_DOMAIN_ICS_H_
#define EVENTS_SERVICES_SCHEDULING_DOMAIN_ICS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "events/v1/scheduling.pb.h"

namespace events::scheduling {

struct IcsOptions {
  std::string product_id = "-//Inclusive Events//Scheduling//EN";
  // UIDs are "<event id>@<uid_domain>", stable across renders so updates replace the entry.
  std::string uid_domain = "events.invalid";
  // DTSTAMP: when the file is produced (injected so output is reproducible).
  int64_t now_unix_ms = 0;
  // Shown by calendar programs as the calendar's name (NAME and X-WR-CALNAME); empty: none.
  std::string calendar_name;
  // ORGANIZER of events without an organiser e-mail; empty: "noreply@<uid_domain>".
  std::string organizer_fallback_email;
};

// One VCALENDAR holding one VEVENT per event, and one VTIMEZONE per distinct zone of the
// events. METHOD is CANCEL for a file of exactly one cancelled event (RFC 5546 CANCEL allows
// one UID per message), PUBLISH otherwise (cancelled events then carry STATUS:CANCELLED).
// Every VEVENT has what RFC 5546 requires of both methods: UID, DTSTAMP, SEQUENCE, DTSTART,
// DTEND (or DURATION:PT0S for an event without a positive length), SUMMARY and ORGANIZER.
// Times are local with TZID, except a wall time the zone shows twice (a fall-back overlap),
// which is written in UTC so no reader can take the wrong pass.
//
// Never contains an event's join link, even when the caller passes the organiser's full view:
// calendar files are public and get forwarded, so every event is written through
// PublicEventView (public_view.h), which replaces copies of the link in every text field, and
// the calendar name loses every event's link. An event whose zone is empty or unknown gets UTC
// times ("...Z") instead.
// Pure function; thread-safe.
std::string RenderCalendar(const std::vector<events::v1::Event>& events, const IcsOptions& options);

// RFC 5545 TEXT escaping: backslash, ';', ',' and newlines (as "\n"); CR and other control
// characters except TAB are dropped, as TEXT may not contain them.
std::string EscapeIcsText(std::string_view text);

// One content line, folded so no physical line exceeds 75 octets (continuations start with a
// space) without splitting a UTF-8 sequence, each line ending in CRLF.
std::string FoldIcsLine(std::string_view line);

}  // namespace events::scheduling

#endif  // EVENTS_SERVICES_SCHEDULING_DOMAIN_ICS_H_
