#include "services/integrations/webhooks/url_policy.h"

#include <arpa/inet.h>

#include <cstdint>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/integrations/webhooks/special_addresses.h"

namespace events::integrations {

namespace {

constexpr size_t kMaxUrlLength = 2048;

absl::Status Bad(absl::string_view field, absl::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat(field, " ", rule));
}

// A host name that resolvers would read as an IPv4 address although it is not in dotted
// decimal form ("2130706433", "0x7f.1", "017.0.0.1"): 1 to 4 parts, each decimal, octal or
// 0x-hex, as inet_aton reads them. Refused: it can only be a way around the checks.
bool LooksNumeric(absl::string_view host) {
  int parts = 0;
  for (absl::string_view part : absl::StrSplit(host, '.')) {
    if (++parts > 4 || part.empty()) return false;
    absl::string_view digits = part;
    const bool hex = absl::StartsWithIgnoreCase(part, "0x");
    if (hex) digits.remove_prefix(2);
    for (char c : digits) {
      const auto u = static_cast<unsigned char>(c);
      if (hex ? !absl::ascii_isxdigit(u) : !absl::ascii_isdigit(u)) return false;
    }
  }
  return parts > 0;
}

bool IsLoopbackName(absl::string_view host) {
  const std::string lower = absl::AsciiStrToLower(host);
  return lower == "localhost" || absl::EndsWith(lower, ".localhost");
}

}  // namespace

bool IsPublicAddress(absl::string_view ip) {
  const std::string text(ip);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return IsGloballyReachableV4(ntohl(v4.s_addr));
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) return IsGloballyReachableV6(v6);
  return false;
}

bool IsLoopbackAddress(absl::string_view ip) {
  const std::string text(ip);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return false;
  static const unsigned char kLoopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(v6.s6_addr, kLoopback, 16) == 0) return true;
  return std::memcmp(v6.s6_addr, kMapped, 12) == 0 && v6.s6_addr[12] == 127;
}

namespace {

bool IsLoopbackHost(const std::string& host) {
  return IsLoopbackAddress(host) || IsLoopbackName(host);
}

}  // namespace

bool IsAddressAllowed(absl::string_view ip, const WebhookUrl& url, const UrlPolicy& policy) {
  if (IsPublicAddress(ip)) return true;
  if (policy.allow_private) return true;
  return IsLoopbackAddress(ip) && policy.allow_http_loopback && url.scheme == "http" &&
         IsLoopbackHost(url.host);
}

absl::StatusOr<WebhookUrl> CheckWebhookUrl(absl::string_view url, absl::string_view field,
                                           const UrlPolicy& policy) {
  if (url.empty()) return Bad(field, "is required");
  if (url.size() > kMaxUrlLength) return Bad(field, "must be at most 2048 characters");
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || u >= 0x80) {
      return Bad(field, "must not contain spaces, control or non-ASCII characters");
    }
  }
  WebhookUrl out;
  absl::string_view rest = url;
  if (absl::StartsWithIgnoreCase(rest, "https://")) {
    out.scheme = "https";
    out.port = 443;
    rest.remove_prefix(8);
  } else if (absl::StartsWithIgnoreCase(rest, "http://")) {
    out.scheme = "http";
    out.port = 80;
    rest.remove_prefix(7);
  } else {
    return Bad(field, "must start with https://");
  }
  const size_t slash = rest.find_first_of("/?#");
  absl::string_view authority = rest.substr(0, slash);
  out.path = slash == absl::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (absl::StartsWith(out.path, "?")) out.path = "/" + out.path;
  if (const size_t hash = out.path.find('#'); hash != std::string::npos) out.path.resize(hash);
  if (out.path.empty()) out.path = "/";
  if (authority.find('@') != absl::string_view::npos) {
    return Bad(field, "must not contain a user name or password (put credentials in the secret)");
  }
  absl::string_view host = authority;
  absl::string_view port;
  if (absl::StartsWith(authority, "[")) {
    const size_t close = authority.find(']');
    if (close == absl::string_view::npos) return Bad(field, "has an unclosed [IPv6] host");
    host = authority.substr(1, close - 1);
    absl::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return Bad(field, "has something after the [IPv6] host");
      port = after.substr(1);
    }
  } else if (const size_t colon = authority.rfind(':'); colon != absl::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return Bad(field, "must have a host");
  if (!port.empty() && (!absl::SimpleAtoi(port, &out.port) || out.port < 1 || out.port > 65535)) {
    return Bad(field, "has a port that is not a number from 1 to 65535");
  }
  out.host = absl::AsciiStrToLower(host);

  in_addr v4{};
  in6_addr v6{};
  const bool is_ip = inet_pton(AF_INET, out.host.c_str(), &v4) == 1 ||
                     inet_pton(AF_INET6, out.host.c_str(), &v6) == 1;
  if (!is_ip && LooksNumeric(out.host)) {
    return Bad(field, "has a host that is a number but not a dotted IPv4 address");
  }
  const bool loopback = is_ip ? IsLoopbackAddress(out.host) : IsLoopbackName(out.host);
  if (out.scheme == "http" && !(loopback && policy.allow_http_loopback)) {
    return Bad(field,
               "must use https (plain http is allowed only to a loopback host, with "
               "INTEGRATIONS_ALLOW_HTTP_LOOPBACK=true, for development)");
  }
  if (out.scheme == "https" && out.port != 443 && !policy.allow_any_port) {
    return Bad(field,
               "must use port 443 for https (INTEGRATIONS_ALLOW_ANY_PORT=true allows other "
               "ports)");
  }
  const bool loopback_allowed = loopback && policy.allow_http_loopback && out.scheme == "http";
  if (!policy.allow_private && !loopback_allowed &&
      ((is_ip && !IsPublicAddress(out.host)) || (!is_ip && loopback))) {
    return Bad(field,
               "points to a private or reserved address; webhooks go to public addresses "
               "(INTEGRATIONS_ALLOW_PRIVATE=true allows private ones inside your network)");
  }
  return out;
}

}  // namespace events::integrations
