#pragma once

#include "services/web/pages/site.h"

// Registering for an event, in one journey: your details (with "Do you need anything to
// take part?"), what you need (when yes), check your answers, confirmation with the
// personal link. Every step is a plain form; the answers travel in hidden fields.
namespace events::web {

void AddRegisterPages(WebServer& server, Site& site);

}  // namespace events::web
