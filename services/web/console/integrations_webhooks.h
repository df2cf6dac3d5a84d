#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "events/v1/integrations.pb.h"
#include "services/web/console/console.h"
#include "services/web/console/fields.h"

// What the webhook pages (integrations_webhooks_pages.cc) and the actions on one webhook
// (integrations_webhook_actions.cc) share.
namespace events::web::console {

// The dead letters read for one webhook's page: 20 pages of 100 (the service keeps at most
// 10,000 for the whole organisation; docs/console.md "Integrations").
inline constexpr int kDeadLetterPages = 20;

// The event type checkboxes: the choices, then `extra` types the webhook has that are not
// choices (made through the API), so that saving the form keeps them.
Data EventsField(const Site& site, const std::vector<std::string>& extra,
                 const std::vector<std::string>& checked, const std::vector<FieldError>& errors);
// The types ticked that the form offered (the choices and `kept`); an error at the first
// checkbox when there are none.
std::vector<std::string> ReadEvents(const Site& site, const Form& form,
                                    std::vector<FieldError>* errors,
                                    const std::vector<std::string>& kept = {});

// "/manage/integrations/webhooks/<id>/replay?delivery=<dead letter's id, encoded>".
std::string ReplayHref(const events::v1::Webhook& w, absl::string_view delivery_id);

// The organisation's dead letters of `w`, oldest first; `more` when there were more than
// kDeadLetterPages pages to read. A page instead when the service refuses.
std::optional<Response> WebhookDeadLetters(Console& console, const Request& request,
                                           const Person& person, const events::v1::Webhook& w,
                                           std::vector<events::v1::DeadLetter>* out, bool* more);

// The webhook's page: its settings, the change form (from `form` after an error), its
// deliveries and its dead letters.
Response WebhookPage(Console& console, const Request& request, const Person& person,
                     const events::v1::Webhook& w, const Form* form,
                     const std::vector<FieldError>& errors);

}  // namespace events::web::console
