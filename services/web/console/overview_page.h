#pragma once

#include "services/web/console/console.h"

namespace events::web::console {

// GET /manage: upcoming events with places taken, capacity and waiting; access requests at
// risk (for access coordinators); what to do next.
void AddOverviewPage(WebServer& server, Console& console);

}  // namespace events::web::console
