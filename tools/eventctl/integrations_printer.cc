#include "tools/eventctl/integrations_printer.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "tools/eventctl/output.h"
#include "tools/eventctl/suggest.h"

namespace events::eventctl {
std::string DeliveryStateWord(events::v1::DeliveryState state) {
  switch (state) {
    case events::v1::DELIVERY_STATE_PENDING:
      return "pending";
    case events::v1::DELIVERY_STATE_DELIVERED:
      return "delivered";
    case events::v1::DELIVERY_STATE_GONE:
      return "gone";
    case events::v1::DELIVERY_STATE_DEAD:
      return "dead";
    case events::v1::DELIVERY_STATE_DROPPED:
      return "dropped";
    default:
      return "unknown";
  }
}

std::string DescribeNewKey(const events::v1::CreateApiKeyResponse& made) {
  return absl::StrCat("Key ", made.key().key_id(), " (", made.key().name(), ") with scopes ",
                      absl::StrJoin(made.key().scopes(), ", "), ":\n\n  ", made.api_key(),
                      "\n\nThis is the only time the key is shown: store it in the integration's "
                      "secret settings now.\n");
}

std::string KeyTable(const std::vector<events::v1::ApiKey>& keys) {
  if (keys.empty()) return "No integration keys.\n";
  std::string out;
  for (const auto& k : keys) {
    absl::StrAppend(
        &out, absl::StrFormat("%-32s %-8s %-20s %s  %s\n", k.key_id(),
                              k.revoked() ? "revoked" : "active", k.name(),
                              UtcTimeText(k.created_unix_ms()), absl::StrJoin(k.scopes(), ",")));
    // Who made and revoked it, where the service kept it (keys made before it did have none).
    if (!k.created_by_name().empty()) {
      absl::StrAppend(&out, "    made by ", k.created_by_name(), "\n");
    }
    if (k.revoked() && !k.revoked_by_name().empty()) {
      absl::StrAppend(&out, "    revoked by ", k.revoked_by_name(),
                      k.revoked_unix_ms() > 0
                          ? absl::StrCat(" at ", UtcTimeText(k.revoked_unix_ms()))
                          : std::string(),
                      "\n");
    }
  }
  return out;
}

std::string DescribeNewWebhook(const events::v1::WebhookWithSecret& made) {
  return absl::StrCat("Webhook ", made.webhook().id(), " -> ", made.webhook().url(), "\n",
                      "Event types: ", absl::StrJoin(made.webhook().event_types(), ", "), "\n",
                      "Signing secret (shown only now; verify webhook-signature with it):\n\n  ",
                      made.secret(), "\n");
}

std::string WebhookTable(const std::vector<events::v1::Webhook>& webhooks) {
  if (webhooks.empty()) return "No webhooks.\n";
  std::string out;
  for (const auto& w : webhooks) {
    absl::StrAppend(
        &out, absl::StrFormat("%-31s %-8s %-30s %s\n", w.id(), w.enabled() ? "enabled" : "disabled",
                              absl::StrJoin(w.event_types(), ","), w.url()));
    if (!w.enabled() && !w.disabled_reason().empty()) {
      absl::StrAppend(&out, "    disabled: ", w.disabled_reason(), "\n");
    }
  }
  return out;
}

std::string DeliveryTable(const std::vector<events::v1::DeliveryAttempt>& attempts) {
  if (attempts.empty()) return "No deliveries yet.\n";
  std::string out;
  for (const auto& a : attempts) {
    const std::string result =
        a.http_status() > 0 ? absl::StrCat("HTTP ", a.http_status()) : a.error();
    absl::StrAppend(
        &out, absl::StrFormat("%s  %-9s try %-2d %-28s %s %s\n", UtcTimeText(a.time_unix_ms()),
                              DeliveryStateWord(a.state()), a.attempt(), a.event_type(),
                              a.message_id(), result));
  }
  return out;
}

std::string DeadLetterTable(const std::vector<events::v1::DeadLetter>& dead) {
  if (dead.empty()) return "No dead letters.\n";
  std::string out;
  for (const auto& d : dead) {
    const std::string last =
        d.last_http_status() > 0 ? absl::StrCat("HTTP ", d.last_http_status()) : d.last_error();
    absl::StrAppend(
        &out, absl::StrFormat("%s  %s  %s, %d tries, last: %s\n", d.delivery_id(),
                              UtcTimeText(d.dead_unix_ms()), d.event_type(), d.attempts(), last));
  }
  return out;
}

std::string ContactTable(const std::vector<events::v1::MailingContact>& contacts) {
  if (contacts.empty()) return "No changes.\n";
  std::string out;
  for (const auto& c : contacts) {
    absl::StrAppend(
        &out, absl::StrFormat("%6d %-10s %-32s %s %s  %s\n", c.cursor(),
                              c.subscribed() ? "subscribed" : "left", c.email(), c.first_name(),
                              c.last_name(), absl::StrJoin(c.tags(), ",")));
  }
  return out;
}

absl::Status CheckWebhookTypes(const std::vector<std::string>& types) {
  // The services that publish domain events (docs/integrations.md).
  static const std::vector<std::string> kFamilies = {"event",    "registration", "accessibility",
                                                     "feedback", "contact",      "webhook"};
  for (const std::string& type : types) {
    if (type == "*") continue;
    const std::string family = type.substr(0, type.find('.'));
    if (type.find('.') != std::string::npos &&
        std::find(kFamilies.begin(), kFamilies.end(), family) != kFamilies.end()) {
      continue;
    }
    const bool known = std::find(kFamilies.begin(), kFamilies.end(), family) != kFamilies.end();
    // "registration" alone: the family is right, the ".*" is missing.
    std::optional<std::string> close = known ? family : ClosestMatch(family, kFamilies);
    std::string message = absl::StrCat("--type \"", type, "\" is not an event type");
    if (close.has_value()) {
      absl::StrAppend(&message, "; did you mean ", *close,
                      type.find('.') == std::string::npos ? ".*" : type.substr(family.size()), "?");
    } else {
      absl::StrAppend(&message, ": use \"*\" or one of ", absl::StrJoin(kFamilies, ".*, "),
                      ".* (or an exact type such as registration.created)");
    }
    return absl::InvalidArgumentError(message);
  }
  return absl::OkStatus();
}

}  // namespace events::eventctl
