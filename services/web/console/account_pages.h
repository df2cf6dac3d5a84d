#pragma once

#include "services/web/console/console.h"

namespace events::web::console {

// /manage/account: who you are, your sign-in methods (the authenticator app and recovery
// codes), signing out everywhere.
void AddAccountPages(WebServer& server, Console& console);

}  // namespace events::web::console
