#pragma once

#include <optional>
#include <string_view>

#include "absl/strings/string_view.h"

namespace grpc {
class ServerContext;
}

namespace events::auth {

// The "authorization" metadata of a call, if the client sent one. The view lives as long as
// the call's context.
std::optional<absl::string_view> AuthorizationOf(const grpc::ServerContext& context);

}  // namespace events::auth
