#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "services/web/console/console.h"
#include "services/web/console/fields.h"

namespace events::web::console {

// The integrations pages (docs/console.md "Integrations"): /manage/integrations, API keys,
// webhooks and the contacts export. Everything is done as the signed-in person; the
// integrations service decides (organisers only) and records who made and revoked each key.
void AddIntegrationsPages(WebServer& server, Console& console);

// Each part registers its own routes (integrations_keys_pages.cc, integrations_webhooks_*.cc,
// integrations_contacts_page.cc).
void AddIntegrationKeysPages(WebServer& server, Console& console);
void AddWebhooksPages(WebServer& server, Console& console);
void AddWebhookActions(WebServer& server, Console& console);
void AddContactsPage(WebServer& server, Console& console);

// Checkboxes for a form: `values` with their words (and hints when `hint_keys` say so),
// ticked when in `checked`; the group's error (from `errors`, at the first box's id
// "<name>-<n>").
struct Checkbox {
  std::string value;
  std::string label;
  std::string hint;
};
Data CheckboxesField(absl::string_view name, const std::vector<Checkbox>& boxes,
                     const std::vector<std::string>& checked,
                     const std::vector<FieldError>& errors);
// The id of the first checkbox of a group, where the error summary links.
std::string FirstBoxId(absl::string_view name);

}  // namespace events::web::console
