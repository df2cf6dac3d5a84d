#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace events::auth {

// What a key may do (DESIGN.md, Access).
enum class Role { kOrganiser, kAccessCoordinator, kIntegration, kService };

absl::string_view RoleName(Role role);
// "organiser", "access_coordinator", "integration", "service"; INVALID_ARGUMENT otherwise.
absl::StatusOr<Role> ParseRole(absl::string_view name);

struct Organisation {
  std::string id;
  std::string name;
  int64_t created_unix_ms = 0;
};

// A stored API key. The key itself is never stored: only its SHA-256.
struct ApiKeyRecord {
  std::string key_id;
  std::string org_id;
  std::vector<Role> roles;
  // For integration keys, e.g. "events:read".
  std::vector<std::string> scopes;
  std::string name;
  int64_t created_unix_ms = 0;
  bool revoked = false;
};

// Who is calling, after authentication.
struct Caller {
  std::string org_id;
  std::string key_id;
  std::vector<Role> roles;
  std::vector<std::string> scopes;

  bool HasRole(Role role) const;
  bool HasScope(absl::string_view scope) const;
};

// API keys look like "evk_" followed by 43 base64url characters (32 random bytes).
inline constexpr absl::string_view kApiKeyPrefix = "evk_";

}  // namespace events::auth
