#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace events::auth {

// What a key or a signed-in person may do (DESIGN.md, Access; docs/auth.md). kViewer is a
// person's read-only role: it grants exactly the scopes of ViewerScopes().
enum class Role { kOrganiser, kAccessCoordinator, kIntegration, kService, kViewer };

absl::string_view RoleName(Role role);
// "organiser", "access_coordinator", "integration", "service", "viewer"; INVALID_ARGUMENT
// otherwise.
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

// Who is calling, after authentication: an API key, or a signed-in person (a session).
struct Caller {
  std::string org_id;
  // The API key's id; for a person, their member id (so audit fields that name the key
  // name the person).
  std::string key_id;
  std::vector<Role> roles;
  std::vector<std::string> scopes;
  // Who to name in audit logs: the person's name, or the API key's name.
  std::string actor_name;
  // The signed-in person's member id; empty for an API key.
  std::string member_id;

  bool HasRole(Role role) const;
  bool HasScope(absl::string_view scope) const;
};

// API keys look like "evk_" followed by 43 base64url characters (32 random bytes).
inline constexpr absl::string_view kApiKeyPrefix = "evk_";
// Session tokens of signed-in people: "evs_" and 43 base64url characters (the people
// service makes them; only their SHA-256 is stored).
inline constexpr absl::string_view kSessionPrefix = "evs_";

// The scopes a viewer has: the reads an integration key could be given, nothing that changes
// anything.
const std::vector<std::string>& ViewerScopes();

}  // namespace events::auth
