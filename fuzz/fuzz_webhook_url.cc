// Webhook URL policy (integrations' CreateWebhook): CheckWebhookUrl under the policy picked
// by the first byte, on any text. What it accepts is https on 443 (or another port only with
// allow_any_port; http only to a loopback host with allow_http_loopback), has a host, and an
// IP-literal host is public unless the policy allows otherwise; IsAddressAllowed agrees with
// that for the literal; errors are INVALID_ARGUMENT naming the field.
#include <arpa/inet.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "services/integrations/webhooks/url_policy.h"

using events::integrations::UrlPolicy;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  UrlPolicy policy;
  policy.allow_http_loopback = (data[0] & 1) != 0;
  policy.allow_private = (data[0] & 2) != 0;
  policy.allow_any_port = (data[0] & 4) != 0;
  absl::string_view url(reinterpret_cast<const char*>(data) + 1, size - 1);

  auto checked = events::integrations::CheckWebhookUrl(url, "url", policy);
  // The address checks take any text too (they see what DNS returns).
  (void)events::integrations::IsPublicAddress(url);
  (void)events::integrations::IsLoopbackAddress(url);
  if (!checked.ok()) {
    events::fuzz::CheckValidation(checked.status(), "CheckWebhookUrl");
    events::fuzz::Check(absl::StartsWith(checked.status().message(), "url"),
                        "the error names the field", checked.status().ToString());
    return 0;
  }
  const auto& u = *checked;
  const std::string text(url);
  events::fuzz::Check(!u.host.empty(), "accepted URL has a host", text);
  events::fuzz::Check(u.port >= 1 && u.port <= 65535, "port in range", text);
  events::fuzz::Check(absl::StartsWith(u.path, "/") && u.path.find('#') == std::string::npos,
                      "path starts with / and has no fragment", text);
  events::fuzz::Check(u.host.find_first_of("@/?#") == std::string::npos,
                      "host holds no URL delimiters", text);
  in_addr v4{};
  in6_addr v6{};
  const bool is_ip =
      inet_pton(AF_INET, u.host.c_str(), &v4) == 1 || inet_pton(AF_INET6, u.host.c_str(), &v6) == 1;
  if (u.scheme == "http") {
    events::fuzz::Check(policy.allow_http_loopback, "http only with allow_http_loopback", text);
    if (is_ip) {
      events::fuzz::Check(events::integrations::IsLoopbackAddress(u.host),
                          "http only to a loopback address", text);
    }
  } else {
    events::fuzz::Check(u.scheme == "https", "scheme is https or http", text);
    events::fuzz::Check(u.port == 443 || policy.allow_any_port, "https on 443", text);
  }
  if (is_ip) {
    // Delivery connects to the literal itself: the address check must let it through, and
    // without allow_private only a public (or dev loopback) address gets here.
    events::fuzz::Check(events::integrations::IsAddressAllowed(u.host, u, policy),
                        "the accepted literal passes the delivery's address check", text);
    if (!policy.allow_private && u.scheme == "https") {
      events::fuzz::Check(events::integrations::IsPublicAddress(u.host),
                          "https to an IP literal only when it is public", text);
    }
  }
  return 0;
}
