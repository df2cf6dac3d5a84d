#include "common/auth/grpc_auth.h"

#include <grpcpp/server_context.h>

#include "absl/strings/string_view.h"
#include "common/auth/authenticator.h"

namespace events::auth {

std::optional<absl::string_view> AuthorizationOf(const grpc::ServerContext& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) return std::nullopt;
  return absl::string_view(it->second.data(), it->second.size());
}

absl::StatusOr<Caller> AuthenticateOrganiser(const Authenticator& auth,
                                             const grpc::ServerContext& context,
                                             absl::string_view integration_scope) {
  absl::StatusOr<Caller> caller = auth.Authenticate(AuthorizationOf(context));
  if (!caller.ok()) return caller;
  // With no scope this is RequireRole(organiser), message and all.
  absl::Status allowed = RequireAnyRole(*caller, {Role::kOrganiser}, integration_scope);
  if (!allowed.ok()) return allowed;
  return caller;
}

}  // namespace events::auth
