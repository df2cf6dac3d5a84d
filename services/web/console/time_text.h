#pragma once

#include <cstdint>
#include <string>

#include "services/web/pages/site.h"

namespace events::web::console {

// The console's times (sign-ins, audit entries) are in one zone for the whole console,
// WEB_CONSOLE_TIME_ZONE (default Europe/London), named in the page's column headings; an
// event's own times are always shown in the event's zone.
// "Sunday 6 December 2026, 8:19pm" in `zone`; "" for 0.
std::string ConsoleTimeText(const Site& site, int64_t unix_ms, const std::string& zone);

}  // namespace events::web::console
