#pragma once

#include "services/web/console/console.h"

namespace events::web::console {

// The events pages: /manage/events (the list), .../new, /manage/events/{id} and its edit
// page (events_pages.cc); publish, reschedule, cancel and the agenda (event_actions.cc).
void AddEventsPages(WebServer& server, Console& console);

}  // namespace events::web::console
