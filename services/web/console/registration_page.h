#pragma once

#include "services/web/console/console.h"

namespace events::web::console {

// One registration's own page (/manage/events/{id}/registrations/{rid}): its details, the
// answers to the event's questions, attendance, its history with the names of who made
// each change, and the actions the list offers (registration_page.cc). Register it after
// the literal routes under /registrations/ (export), which it would otherwise take.
void AddRegistrationPage(WebServer& server, Console& console);

}  // namespace events::web::console
