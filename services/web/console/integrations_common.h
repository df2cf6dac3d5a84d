#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "events/v1/integrations.pb.h"
#include "services/web/console/console.h"

// What the integrations pages (keys, webhooks, contacts: docs/console.md "Integrations")
// share. The first group is pure, tested in tests/web/console_integrations_test.cc.
namespace events::web::console {

// The scopes an organiser may give a key, in the order the form shows them (the integrations
// service's KnownScopes).
const std::vector<std::string>& IntegrationScopes();
// The message keys of a scope's words and of its hint: "console_int_scope_events_read" and
// "console_int_scope_events_read_hint" for "events:read".
std::string ScopeLabelKey(absl::string_view scope);
std::string ScopeHintKey(absl::string_view scope);

// What the webhook forms offer: everything ("*"), each family ("registration.*"...) and the
// unsubscribes. A webhook made through the API may have others; its page keeps them.
const std::vector<std::string>& WebhookEventChoices();
// The message key of a choice's words ("console_int_events_registration"), "" for a type that
// is not one of the choices.
std::string EventChoiceLabelKey(absl::string_view choice);

// The message key of the first rule a webhook address breaks, "" when it keeps them all:
// required, at most 2048 characters, no spaces or non-ASCII characters, starting with
// https:// (or http://, which the service allows only to a loopback receiver in development),
// with a host. The service checks the rest (public addresses, ports) and says why.
std::string WebhookAddressProblem(absl::string_view url);

// A file name for Content-Disposition: only letters, digits, '-', '_' and '.', at most 100
// characters, and not starting with '.'; `fallback` when nothing is left.
std::string SafeFileName(absl::string_view name, absl::string_view fallback);

// Percent-encodes all but letters, digits and "-_.~", for a query string's value.
std::string UrlEncode(absl::string_view text);

// Ids in paths: "key_..." and "wh_..." (IsPathId and the prefix).
bool IsKeyId(absl::string_view id);
bool IsWebhookId(absl::string_view id);

// --- Shared by the pages (they call the integrations service as the person).

// The scopes in words, joined: "Read events, Manage webhooks".
std::string ScopesText(const Site& site, const google::protobuf::RepeatedPtrField<std::string>& s);
// The event types in words: "Registrations, Unsubscribes"; a type that is not a choice as it
// is ("event.reminder_due").
std::string EventTypesText(const Site& site,
                           const google::protobuf::RepeatedPtrField<std::string>& types);

// The organisation's webhook of the path's first parameter. 404 for an id that is not one or
// not this organisation's (another organisation's ids are never shown as theirs).
std::optional<Response> LoadWebhook(Console& console, const Request& request, const Person& person,
                                    events::v1::Webhook* webhook);

// "/manage/integrations/webhooks/<id>".
std::string WebhookHref(const events::v1::Webhook& webhook);

}  // namespace events::web::console
