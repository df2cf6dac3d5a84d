#pragma once

#include <grpcpp/impl/server_builder_option.h>

#include <memory>
#include <string>
#include <vector>

namespace events::server {

// grpc::Service does not say which service it implements, but the built server knows the
// full names ("events.v1.SchedulingService") of everything registered on it. Passing this
// option to ServerBuilder::SetOption fills `names` with them during BuildAndStart.
// Includes gRPC's own services (health, reflection).
std::unique_ptr<grpc::ServerBuilderOption> CaptureServiceNames(
    std::shared_ptr<std::vector<std::string>> names);

}  // namespace events::server
