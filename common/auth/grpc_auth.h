#pragma once

#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/auth/api_key.h"

namespace grpc {
class ServerContext;
}

namespace events::auth {

class Authenticator;

// The "authorization" metadata of a call, if the client sent one. The view lives as long as
// the call's context.
std::optional<absl::string_view> AuthorizationOf(const grpc::ServerContext& context);

// The caller of `context`, if its bearer key or session authenticates and it is an organiser,
// or, when `integration_scope` is given (reads, say), an integration key or a viewer with
// that scope. "" means
// organisers only. UNAUTHENTICATED or PERMISSION_DENIED (naming what is needed) otherwise.
absl::StatusOr<Caller> AuthenticateOrganiser(const Authenticator& auth,
                                             const grpc::ServerContext& context,
                                             absl::string_view integration_scope = {});

}  // namespace events::auth
