#pragma once

#include <atomic>

#include "services/web/pages/site.h"

// The accessibility statement, the privacy notice, "Lost your link?", the stylesheet and
// icons, and the probes (/healthz, /readyz).
namespace events::web {

// `draining` turns /readyz to 503 while the server shuts down.
void AddInfoPages(WebServer& server, Site& site, const std::atomic<bool>& draining);

}  // namespace events::web
