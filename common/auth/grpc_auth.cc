#include "common/auth/grpc_auth.h"

#include <grpcpp/server_context.h>

#include "absl/strings/string_view.h"

namespace events::auth {

std::optional<absl::string_view> AuthorizationOf(const grpc::ServerContext& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) return std::nullopt;
  return absl::string_view(it->second.data(), it->second.size());
}

}  // namespace events::auth
