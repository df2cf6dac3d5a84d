#pragma once

#include "services/web/console/console.h"

namespace events::web::console {

// An event's registration settings (/manage/events/{id}/registration-settings): approval,
// capacity, reserved pools and questions, each a form of its own on one page.
void AddRegistrationSettingsPages(WebServer& server, Console& console);

}  // namespace events::web::console
