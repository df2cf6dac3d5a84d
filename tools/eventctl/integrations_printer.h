#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "events/v1/integrations.pb.h"

namespace events::eventctl {

// What `eventctl keys`, `webhooks` and `contacts` print. Pure functions.

// A new key, with the one-time warning that it is shown only now.
std::string DescribeNewKey(const events::v1::CreateApiKeyResponse& made);
// One line per key: id, name, scopes, created, revoked.
std::string KeyTable(const std::vector<events::v1::ApiKey>& keys);
// A new (or rotated) webhook with its secret, shown once.
std::string DescribeNewWebhook(const events::v1::WebhookWithSecret& made);
// One line per webhook: id, enabled/disabled (with why), types, URL.
std::string WebhookTable(const std::vector<events::v1::Webhook>& webhooks);
// One line per try, newest first: time, state, attempt, HTTP status or error, type, id.
std::string DeliveryTable(const std::vector<events::v1::DeliveryAttempt>& attempts);
// One line per dead letter: delivery id (for replay), type, tries, last status/error.
std::string DeadLetterTable(const std::vector<events::v1::DeadLetter>& dead);
// One line per contact change: cursor, subscribed or left, e-mail, name, tags.
std::string ContactTable(const std::vector<events::v1::MailingContact>& contacts);
// "delivered", "pending", "gone", "dead", "dropped".
std::string DeliveryStateWord(events::v1::DeliveryState state);

// OK when every --type is "*" or starts with a known family (event, registration,
// accessibility, feedback, contact, webhook) followed by "."; else INVALID_ARGUMENT naming
// the type and the closest family ("registratoin.*": did you mean registration.*?). The
// service checks the rest of the pattern.
absl::Status CheckWebhookTypes(const std::vector<std::string>& types);

}  // namespace events::eventctl
