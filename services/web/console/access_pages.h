#pragma once

#include "services/web/console/console.h"

namespace events::web::console {

// The access desk (docs/console.md "Access desk"): /manage/access (requests by event and
// status), /manage/access/at-risk, /manage/access/audit, a request's page and its moves, and
// an event's provisions.
void AddAccessPages(WebServer& server, Console& console);

// The routes of access_request_page.cc and access_provisions.cc.
void AddAccessRequestPages(WebServer& server, Console& console);
void AddAccessProvisionPages(WebServer& server, Console& console);

}  // namespace events::web::console
