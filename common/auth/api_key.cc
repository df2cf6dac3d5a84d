#include "common/auth/api_key.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace events::auth {

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kOrganiser:
      return "organiser";
    case Role::kAccessCoordinator:
      return "access_coordinator";
    case Role::kIntegration:
      return "integration";
    case Role::kService:
      return "service";
    case Role::kViewer:
      return "viewer";
  }
  return "unknown";
}

absl::StatusOr<Role> ParseRole(absl::string_view name) {
  for (Role r : {Role::kOrganiser, Role::kAccessCoordinator, Role::kIntegration, Role::kService,
                 Role::kViewer}) {
    if (RoleName(r) == name) return r;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "role \"", name,
      "\" is not known; use organiser, access_coordinator, integration, service or viewer"));
}

const std::vector<std::string>& ViewerScopes() {
  static const auto* const kScopes = new std::vector<std::string>{
      "events:read", "registrations:read", "feedback:read", "accessibility:counts"};
  return *kScopes;
}

bool Caller::HasRole(Role role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

bool Caller::HasScope(absl::string_view scope) const {
  return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
}

}  // namespace events::auth
