#pragma once

#include "services/web/pages/site.h"

// The feedback survey from the survey link (/feedback/<registration token>: the token that
// the survey invitation carries is the registration's own): the event, every question of the
// survey, what anonymity means for this survey, the answers checked and sent, a thank-you
// page, and plain pages for a survey that is not open yet, closed, answered already
// (anonymous), or not for this registration. Every page is personal: no-store, and the token
// is never logged (routes are logged by template).
namespace events::web {

void AddFeedbackPages(WebServer& server, Site& site);

}  // namespace events::web
