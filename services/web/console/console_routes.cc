#include "services/web/console/access_pages.h"
#include "services/web/console/account_pages.h"
#include "services/web/console/console.h"
#include "services/web/console/events_pages.h"
#include "services/web/console/feedback_pages.h"
#include "services/web/console/integrations_pages.h"
#include "services/web/console/members_pages.h"
#include "services/web/console/overview_page.h"
#include "services/web/console/registrations_pages.h"
#include "services/web/console/sign_in_pages.h"

namespace events::web::console {

void AddConsolePages(WebServer& server, Console& console) {
  AddSignInPages(server, console);
  AddOverviewPage(server, console);
  AddAccountPages(server, console);
  AddMembersPages(server, console);
  AddRegistrationsPages(server, console);
  AddEventsPages(server, console);
  AddFeedbackPages(server, console);
  AddIntegrationsPages(server, console);
  AddAccessPages(server, console);
}

}  // namespace events::web::console
