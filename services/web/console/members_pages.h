#pragma once

#include "services/web/console/console.h"

namespace events::web::console {

// /manage/members: the organisation's people; organisers invite, change roles, remove, and
// reset a lost authenticator app. /manage/audit: who signed in and who changed whom.
void AddMembersPages(WebServer& server, Console& console);

}  // namespace events::web::console
