#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace events::integrations {

// Which webhook URLs an organisation may subscribe. Defaults are the production ones.
struct UrlPolicy {
  // Plain http to a loopback host (127.0.0.0/8, ::1, localhost): for local development
  // only (INTEGRATIONS_ALLOW_HTTP_LOOPBACK).
  bool allow_http_loopback = false;
  // Addresses in private and reserved ranges (10/8, 192.168/16, fc00::/7, ...): for
  // deployments whose receivers sit inside the same network (INTEGRATIONS_ALLOW_PRIVATE).
  bool allow_private = false;
  // Any port on https (INTEGRATIONS_ALLOW_ANY_PORT); otherwise https is on 443 only, so a
  // webhook cannot be aimed at another service's port (mail, databases) of a public host.
  // Development http to a loopback host may use any port.
  bool allow_any_port = false;
};

struct WebhookUrl {
  std::string scheme;  // "https" or "http"
  std::string host;    // without brackets for IPv6
  int port = 0;        // 443 / 80 unless given
  std::string path;    // "/..." (with the query), "/" when absent
};

// Checks a webhook URL against the policy: https (see UrlPolicy for http), a host, no user
// name or password, at most 2048 characters, no spaces or control characters, and no IP
// address literal in a private or reserved range, port 443 on https unless allow_any_port.
// Host names are not resolved here: the
// delivery checks the addresses a name resolves to, every time (IsPublicAddress).
// INVALID_ARGUMENT naming `field` and the rule.
absl::StatusOr<WebhookUrl> CheckWebhookUrl(absl::string_view url, absl::string_view field,
                                           const UrlPolicy& policy);

// True for an IPv4 or IPv6 address (text) outside every private, loopback, link-local,
// shared, multicast, documentation and reserved range. False for anything unparsable.
bool IsPublicAddress(absl::string_view ip);
// True for 127.0.0.0/8 and ::1 (and IPv4-mapped loopback).
bool IsLoopbackAddress(absl::string_view ip);
// True when `url` (checked by CheckWebhookUrl) may connect to `ip`, one of the addresses its
// host resolves to: a public address; a loopback one only for plain http to a loopback host
// (an IP literal, localhost or *.localhost) with allow_http_loopback, so no public name can
// lead to loopback; any private one with allow_private.
bool IsAddressAllowed(absl::string_view ip, const WebhookUrl& url, const UrlPolicy& policy);

}  // namespace events::integrations
