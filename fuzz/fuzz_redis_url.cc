// ParseRedisUrl (REDIS_URL of every service) on any text: accepted URLs give a host, a port
// in range and a database number >= 0; errors are INVALID_ARGUMENT and never quote the
// password.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "common/redis/redis_client.h"
#include "fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view url(reinterpret_cast<const char*>(data), size);
  auto options = events::redis::ParseRedisUrl(url);
  const std::string text(url);
  const absl::string_view message = options.status().message();
  if (options.ok()) {
    events::fuzz::Check(!options->host.empty(), "accepted URL has a host", text);
    events::fuzz::Check(options->port >= 1 && options->port <= 65535, "port in range", text);
    events::fuzz::Check(options->db >= 0, "database number >= 0", text);
    return 0;
  }
  events::fuzz::Check(options.status().code() == absl::StatusCode::kInvalidArgument,
                      "ParseRedisUrl error code", options.status().ToString());
  events::fuzz::Check(!options.status().message().empty(), "error has a message");
  // The password as written: between "redis://:" and the last '@' before the path. Only
  // a password of letters and digits is looked for, and only when the message for the same
  // URL with another password of that length does not hold it anyway (in the host, the
  // database or the fixed wording).
  constexpr std::string_view kPrefix = "redis://:";
  if (!absl::StartsWith(text, absl::string_view(kPrefix.data(), kPrefix.size()))) return 0;
  const std::string rest = text.substr(kPrefix.size());
  const size_t at = rest.substr(0, rest.find('/')).rfind('@');
  if (at == std::string::npos || at < 6) return 0;
  const std::string password = rest.substr(0, at);
  for (char c : password) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) return 0;
  }
  const std::string other =
      std::string(kPrefix) + std::string(password.size(), 'Q') + rest.substr(at);
  auto other_options = events::redis::ParseRedisUrl(other);
  if (other_options.ok() || absl::StrContains(other_options.status().message(), password)) {
    return 0;
  }
  events::fuzz::Check(!absl::StrContains(message, password), "the error does not show the password",
                      options.status().ToString());
  return 0;
}
