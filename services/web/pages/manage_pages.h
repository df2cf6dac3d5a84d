#pragma once

#include "services/web/pages/site.h"

// Manage my registration, from the personal link (/manage/<token>): status, the join link
// when confirmed, change name or marketing consent, cancel (after a confirmation step), the
// access request (ask, change, withdraw, erase) and the calendar file. Every page of it is
// personal: no-store, and the token is never logged (routes are logged by template).
namespace events::web {

void AddManagePages(WebServer& server, Site& site);

}  // namespace events::web
