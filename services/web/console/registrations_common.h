#pragma once

#include <optional>
#include <string>

#include "events/v1/registration.pb.h"
#include "events/v1/scheduling.pb.h"
#include "services/web/console/console.h"
#include "services/web/console/event_common.h"

// What the registrations pages and the registration settings pages share: the event of the
// path, its heading, and the registration of the path.
namespace events::web::console {

// The registration named by the path's second parameter, of `event`.
std::optional<Response> LoadConsoleRegistration(Console& console, const Request& request,
                                                const Person& person,
                                                const events::v1::Event& event,
                                                events::v1::Registration* registration);

// The event's title, times (in its own zone) and the links between its console pages.
Data EventHeading(const Site& site, const events::v1::Event& event);

// "/manage/events/<id>/registrations" and "/manage/events/<id>/registration-settings".
std::string RegistrationsHref(const events::v1::Event& event);
std::string SettingsHref(const events::v1::Event& event);

// A status in one or two words for a table: "Confirmed", "Waiting list (3)"...
std::string StatusWord(const Site& site, const events::v1::Registration& r);

}  // namespace events::web::console
