#include <grpcpp/grpcpp.h>

#include "common/rpc/status.h"
#include "events/v1/registration.grpc.pb.h"
#include "services/integrations/peers/registration_directory.h"

namespace events::integrations {

struct GrpcRegistrationDirectory::Stub {
  std::unique_ptr<events::v1::RegistrationService::Stub> stub;
};

GrpcRegistrationDirectory::GrpcRegistrationDirectory(std::shared_ptr<grpc::Channel> channel,
                                                     std::string service_key,
                                                     std::chrono::milliseconds deadline)
    : stub_(new Stub{events::v1::RegistrationService::NewStub(std::move(channel))}),
      service_key_(std::move(service_key)),
      deadline_(deadline) {}

GrpcRegistrationDirectory::~GrpcRegistrationDirectory() = default;

absl::StatusOr<events::v1::Registration> GrpcRegistrationDirectory::Lookup(
    const std::string& registration_id) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + deadline_);
  ctx.AddMetadata("authorization", "Bearer " + service_key_);
  events::v1::LookupRegistrationRequest req;
  req.set_registration_id(registration_id);
  events::v1::Registration resp;
  grpc::Status s = stub_->stub->LookupRegistration(&ctx, req, &resp);
  if (!s.ok()) return events::rpc::FromGrpcStatus(s);
  return resp;
}

absl::StatusOr<events::v1::Registration> GrpcRegistrationDirectory::WithdrawMarketing(
    const std::string& registration_id) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + deadline_);
  ctx.AddMetadata("authorization", "Bearer " + service_key_);
  events::v1::WithdrawMarketingConsentRequest req;
  req.set_registration_id(registration_id);
  events::v1::Registration resp;
  grpc::Status s = stub_->stub->WithdrawMarketingConsent(&ctx, req, &resp);
  if (!s.ok()) return events::rpc::FromGrpcStatus(s);
  return resp;
}

}  // namespace events::integrations
