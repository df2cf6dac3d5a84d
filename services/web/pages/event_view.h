#pragma once

#include "absl/strings/string_view.h"
#include "events/v1/registration.pb.h"
#include "events/v1/scheduling.pb.h"
#include "services/web/pages/site.h"

// An event as the pages show it: the values its templates read.
namespace events::web {

// Title, when, zone, format, venue, description paragraphs, the access support offered,
// agenda with co-facilitators; never the join link (the public view has none anyway).
Data EventData(const Site& site, const events::v1::Event& event);

// "/events/<id>".
std::string EventPath(absl::string_view event_id);

// Whether registration is open now for a published event (`now_ms`: Unix ms).
bool RegistrationOpen(const events::v1::Event& event, int64_t now_ms);

// The event's calendar file (scheduling's) as a download, named by scheduling when the name
// is safe in a header; an unknown or malformed id is the 404 page.
Response CalendarDownload(Site& site, const Request& request, const std::string& event_id,
                          Caching caching);

// The places line: "12 places left", "1 place left", or that new registrations join the
// waiting list.
std::string PlacesText(const Site& site, const events::v1::Availability& availability);

}  // namespace events::web
