#pragma once

#include <optional>
#include <string>

#include "events/v1/accessibility.pb.h"
#include "events/v1/scheduling.pb.h"
#include "services/web/console/console.h"
#include "services/web/http/form.h"
#include "services/web/pages/registration_form.h"

// What the console's events pages (events_pages.cc, event_actions.cc) share.
namespace events::web::console {

// The event of the path's first parameter, as the person sees it: 404 for an id that is not
// one, an unknown event, or another organisation's event (a published event is public, but
// its console pages are not).
std::optional<Response> LoadEvent(Console& console, const Request& request, const Person& person,
                                  events::v1::Event* event);

// The organisation's access needs (the accessibility catalogue), for the offer's choices.
std::optional<Response> LoadNeeds(Console& console, const Request& request, const Person& person,
                                  events::v1::Catalogue* needs);

std::string EventStatusWords(const Site& site, events::v1::EventStatus status);
// The tag's modifier class for a status, after a space: " tag--grey" (draft), "" (published)...
std::string EventStatusClass(events::v1::EventStatus status);

std::string EventPath(const events::v1::Event& event);

// The version posted in a form's hidden field; -1 (which no event has) when it is missing,
// so that a form without it is refused as a conflict rather than applied unchecked.
int64_t PostedVersion(const Form& form);

}  // namespace events::web::console

namespace events::web::console {

// The event's page, with `errors` (a refused action) at the top.
Response EventPage(Console& console, const Request& request, const Person& person,
                   const events::v1::Event& event, const std::vector<FieldError>& errors);

// The routes of event_page.cc, event_actions.cc and event_agenda.cc.
void AddEventPage(WebServer& server, Console& console);
void AddEventActionPages(WebServer& server, Console& console);
void AddAgendaPages(WebServer& server, Console& console);

}  // namespace events::web::console
