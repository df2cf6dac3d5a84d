#pragma once

#include "services/web/console/console.h"

namespace events::web::console {

// /manage/sign-in (ask for a link), /manage/sign-in/{token} (use it), /manage/sign-in/code
// (the authenticator app's code), /manage/sign-out and /manage/signed-out.
void AddSignInPages(WebServer& server, Console& console);

}  // namespace events::web::console
