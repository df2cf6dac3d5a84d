// What anyone may read of an event: the one place where the join link is taken out.
//
// Organisers paste the join link into free text (titles, descriptions, contact names, agenda
// sessions, cancellation reasons...). Clearing details.join_link alone leaves those copies in
// every public output, so the public view first replaces every copy of the link in every
// string field (found by walking the message, so a field added later is covered too) and only
// then clears the link. Every public path (GetEvent, ListUpcomingEvents, GetSeries, the
// calendar files, the domain events' free text) goes through these functions.
//
// What counts as a copy of the link: a URL with the link's host and path, compared ignoring
// ASCII case, with or without a scheme (http, https or none), a default :443 port, trailing
// slashes, a query or a fragment. A longer path ("/room/abc" for "/room/ab"), a longer host
// ("evil-meet.example.org") or a sub-domain is another URL and is left alone. A link without
// a path (just "https://host") matches only where a scheme is written, so the bare host name
// in prose stays readable.
//
// Speakers' bios are also published without contact details: e-mail addresses and phone
// numbers in them read "[email removed]" / "[phone removed]" (RedactContacts,
// common/util/redact.h, the same redaction as feedback text).
//
// Pure functions; thread-safe.
#ifndef EVENTS_SERVICES_SCHEDULING_DOMAIN_PUBLIC_VIEW_H_
#define EVENTS_SERVICES_SCHEDULING_DOMAIN_PUBLIC_VIEW_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/v1/scheduling.pb.h"
#include "google/protobuf/message.h"

namespace events::scheduling {

// What replaces the link in public text.
inline constexpr std::string_view kJoinLinkPlaceholder = "(join link sent to registered attendees)";

// `text` with every copy of each of `links` replaced by kJoinLinkPlaceholder. Empty links
// (events without one) are ignored.
std::string ScrubJoinLinks(std::string_view text, const std::vector<std::string>& links);

// True when `text` holds a copy of `link` (as ScrubJoinLinks would replace it).
bool ContainsJoinLink(std::string_view text, std::string_view link);

// The path ("description", "agenda[0].speakers[1].bio") of the first string field of
// `message` that holds a copy of `link`, or nullopt. Fields named "join_link" are skipped.
std::optional<std::string> FindJoinLinkCopy(const google::protobuf::Message& message,
                                            std::string_view link);

// The event as anyone may see it: every copy of its join link replaced, the link and the
// reminder settings cleared, contact details taken out of speakers' bios. Applying it twice
// changes nothing.
events::v1::Event PublicEventView(events::v1::Event event);

// The same for a series: its template's link scrubbed from the template, then cleared.
events::v1::Series PublicSeriesView(events::v1::Series series);

}  // namespace events::scheduling

#endif  // EVENTS_SERVICES_SCHEDULING_DOMAIN_PUBLIC_VIEW_H_
