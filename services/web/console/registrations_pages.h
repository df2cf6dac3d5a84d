#pragma once

#include "services/web/console/console.h"

namespace events::web::console {

// An event's registrations (/manage/events/{id}/registrations): the list with its filters,
// search and counts, the CSV export, the actions on one registration, the attendance upload,
// and the registration settings (registration_settings_pages.h).
void AddRegistrationsPages(WebServer& server, Console& console);

}  // namespace events::web::console
