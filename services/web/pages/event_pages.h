#pragma once

#include "services/web/pages/site.h"

// The public pages of events: the list of upcoming events, an event's page and its
// calendar file.
namespace events::web {

void AddEventPages(WebServer& server, Site& site);

}  // namespace events::web
