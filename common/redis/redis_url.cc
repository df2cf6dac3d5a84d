// ParseRedisUrl: "redis://[[user]:password@]host[:port][/db]", or
// "redis+cluster://[[user]:password@]host[:port][,host[:port]...]", into RedisOptions.

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/redis/redis_client.h"

namespace events::redis {
namespace {

constexpr absl::string_view kScheme = "redis://";
constexpr absl::string_view kClusterScheme = "redis+cluster://";

// The URL as it may appear in a message: the password never does.
std::string Redacted(absl::string_view url) {
  const size_t at = url.rfind('@');
  if (at == absl::string_view::npos) return std::string(url);
  const size_t scheme_end = url.find("://");
  const size_t start = scheme_end == absl::string_view::npos ? 0 : scheme_end + 3;
  if (at < start) return std::string(url);
  return absl::StrCat(url.substr(0, start), ":***", url.substr(at));
}

absl::Status Bad(absl::string_view url, absl::string_view problem) {
  if (absl::StartsWith(url, kClusterScheme)) {
    return absl::InvalidArgumentError(
        absl::StrCat("Redis URL \"", Redacted(url), "\": ", problem,
                     "; expected redis+cluster://[user:password@]host:port[,host:port...], e.g. "
                     "redis+cluster://10.0.0.1:6379,10.0.0.2:6379"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("Redis URL \"", Redacted(url), "\": ", problem,
                   "; expected redis://[:password@]host[:port][/db], e.g. "
                   "redis://127.0.0.1:6379/0, or redis+cluster://host:port,host:port for "
                   "Redis Cluster"));
}

bool AllDigits(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Passwords with '@', '/' or ':' must be percent-encoded to fit in a URL.
absl::StatusOr<std::string> PercentDecode(absl::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) {
      return absl::InvalidArgumentError("a '%' in the password is not followed by two hex digits");
    }
    const char hi = in[i + 1];
    const char lo = in[i + 2];
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(hi)) ||
        !absl::ascii_isxdigit(static_cast<unsigned char>(lo))) {
      return absl::InvalidArgumentError("a '%' in the password is not followed by two hex digits");
    }
    auto nibble = [](char c) {
      return absl::ascii_isdigit(static_cast<unsigned char>(c))
                 ? c - '0'
                 : absl::ascii_tolower(static_cast<unsigned char>(c)) - 'a' + 10;
    };
    out.push_back(static_cast<char>(nibble(hi) * 16 + nibble(lo)));
    i += 2;
  }
  return out;
}

// "host[:port]" or "[IPv6][:port]"; the port is 6379 when not given. The problem, if any,
// as INVALID_ARGUMENT with a bare message for Bad().
absl::StatusOr<RedisNode> ParseHostPort(absl::string_view authority) {
  RedisNode node;
  absl::string_view port_text;
  if (absl::StartsWith(authority, "[")) {  // IPv6 literal, e.g. [::1]:6379
    const size_t close = authority.find(']');
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError("an IPv6 host is missing its ']'");
    }
    node.host = std::string(authority.substr(1, close - 1));
    const absl::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':')
        return absl::InvalidArgumentError("expected ':port' after the IPv6 host");
      port_text = after.substr(1);
      if (port_text.empty()) return absl::InvalidArgumentError("the port after ':' is empty");
    }
  } else {
    const size_t colon = authority.rfind(':');
    node.host = std::string(authority.substr(0, colon));
    if (colon != absl::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return absl::InvalidArgumentError("the port after ':' is empty");
    }
  }
  if (node.host.empty()) return absl::InvalidArgumentError("the host is missing");

  if (!port_text.empty()) {
    int port = 0;
    if (!AllDigits(port_text) || !absl::SimpleAtoi(port_text, &port) || port < 1 || port > 65535) {
      return absl::InvalidArgumentError(
          absl::StrCat("port \"", port_text, "\" is not a number from 1 to 65535"));
    }
    node.port = port;
  }
  return node;
}

}  // namespace

absl::StatusOr<RedisOptions> ParseRedisUrl(std::string_view url_text) {
  // Debian's Abseil is built with its own string_view type, not std::string_view.
  const absl::string_view url(url_text.data(), url_text.size());
  if (absl::StartsWith(url, "rediss://")) {
    return Bad(url, "TLS (rediss://) is not supported by this build; use redis://");
  }
  const bool cluster = absl::StartsWith(url, kClusterScheme);
  if (!cluster && !absl::StartsWith(url, kScheme)) {
    return Bad(url, "the scheme must be redis:// (or redis+cluster:// for Redis Cluster)");
  }
  absl::string_view rest = url.substr(cluster ? kClusterScheme.size() : kScheme.size());
  if (rest.find_first_of("?#") != absl::string_view::npos) {
    return Bad(url, "query parameters and fragments are not supported");
  }

  RedisOptions options;
  const size_t slash = rest.find('/');
  absl::string_view authority = rest.substr(0, slash);
  const absl::string_view path =
      slash == absl::string_view::npos ? absl::string_view() : rest.substr(slash + 1);

  // The last '@' ends the credentials, so an unencoded '@' in a password still works.
  const size_t at = authority.rfind('@');
  if (at != absl::string_view::npos) {
    const absl::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const size_t colon = userinfo.find(':');
    if (colon == absl::string_view::npos) {
      return Bad(url, "put the password after a colon, as in redis://:password@host");
    }
    // A Redis ACL user (AUTH user password); none, or "default", authenticates as the
    // default user with AUTH password.
    absl::StatusOr<std::string> user = PercentDecode(userinfo.substr(0, colon));
    if (!user.ok()) return Bad(url, user.status().message());
    if (*user != "default") options.user = *std::move(user);
    absl::StatusOr<std::string> password = PercentDecode(userinfo.substr(colon + 1));
    if (!password.ok()) return Bad(url, password.status().message());
    options.password = *std::move(password);
  }

  if (cluster) {
    // Seed nodes: any of them gives the whole slot map; more than one lets the client start
    // while one is down.
    for (absl::string_view seed : absl::StrSplit(authority, ',')) {
      absl::StatusOr<RedisNode> node = ParseHostPort(seed);
      if (!node.ok()) return Bad(url, node.status().message());
      options.cluster_seeds.push_back(*std::move(node));
    }
    options.host = options.cluster_seeds.front().host;
    options.port = options.cluster_seeds.front().port;
  } else {
    absl::StatusOr<RedisNode> node = ParseHostPort(authority);
    if (!node.ok()) return Bad(url, node.status().message());
    options.host = node->host;
    options.port = node->port;
  }

  if (cluster && !path.empty() && path != "0") {
    return Bad(url, absl::StrCat("a Redis Cluster has only database 0, so /", path,
                                 " cannot be used; move the data to database 0 and leave the "
                                 "/db out"));
  }
  if (!path.empty()) {
    int db = 0;
    if (!AllDigits(path) || !absl::SimpleAtoi(path, &db)) {
      return Bad(url, absl::StrCat("database \"", path, "\" is not a non-negative number"));
    }
    options.db = db;
  }
  return options;
}

}  // namespace events::redis
