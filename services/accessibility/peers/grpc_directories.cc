#include "services/accessibility/peers/grpc_directories.h"

#include <grpcpp/grpcpp.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/rpc/peer_call.h"

namespace events::accessibility {

GrpcEventDirectory::GrpcEventDirectory(std::shared_ptr<grpc::Channel> channel,
                                       const std::string& service_key,
                                       std::chrono::milliseconds deadline, std::string address)
    : stub_(events::v1::SchedulingService::NewStub(std::move(channel))),
      authorization_(absl::StrCat("Bearer ", service_key)),
      deadline_(deadline),
      address_(std::move(address)) {}

absl::StatusOr<EventFacts> GrpcEventDirectory::Fetch(const std::string& event_id) {
  events::v1::GetEventRequest request;
  request.set_event_id(event_id);
  events::v1::Event event;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + deadline_);
  context.AddMetadata("authorization", authorization_);
  grpc::Status status = stub_->GetEvent(&context, request, &event);
  if (!status.ok()) {
    events::rpc::Peer peer{"scheduling", address_, "EVENTS_SCHEDULING_ADDR", deadline_};
    peer.credential = "accessibility's service key (EVENTS_SERVICE_KEY)";
    return events::rpc::PeerCallFailed(status, peer, "GetEvent");
  }
  EventFacts f;
  f.event_id = event.id();
  f.org_id = event.org_id();
  f.status = event.status();
  f.version = event.version();
  f.start_unix_ms = event.start_unix_ms();
  f.end_unix_ms = event.end_unix_ms();
  f.time_zone = event.details().time_zone();
  return f;
}

GrpcRegistrationDirectory::GrpcRegistrationDirectory(std::shared_ptr<grpc::Channel> channel,
                                                     const std::string& service_key,
                                                     std::chrono::milliseconds deadline,
                                                     std::string address)
    : stub_(events::v1::RegistrationService::NewStub(std::move(channel))),
      authorization_(absl::StrCat("Bearer ", service_key)),
      deadline_(deadline),
      address_(std::move(address)) {}

absl::StatusOr<Attendee> GrpcRegistrationDirectory::Verify(const std::string& token) {
  events::v1::GetMyRegistrationRequest request;
  request.set_registration_token(token);
  events::v1::Registration registration;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + deadline_);
  grpc::Status status = stub_->GetMyRegistration(&context, request, &registration);
  if (!status.ok()) {
    return events::rpc::PeerCallFailed(
        status, {"registration", address_, "EVENTS_REGISTRATION_ADDR", deadline_},
        "GetMyRegistration");
  }
  // Only what identifies the registration is kept: name and e-mail are not ours to hold.
  return Attendee{registration.id(), registration.event_id(), registration.status()};
}

absl::StatusOr<std::string> GrpcRegistrationDirectory::NameOf(const std::string& registration_id) {
  events::v1::LookupRegistrationRequest request;
  request.set_registration_id(registration_id);
  events::v1::Registration registration;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + deadline_);
  context.AddMetadata("authorization", authorization_);
  grpc::Status status = stub_->LookupRegistration(&context, request, &registration);
  if (!status.ok()) {
    events::rpc::Peer peer{"registration", address_, "EVENTS_REGISTRATION_ADDR", deadline_};
    peer.credential = "accessibility's service key (EVENTS_SERVICE_KEY)";
    return events::rpc::PeerCallFailed(status, peer, "LookupRegistration");
  }
  // Only the name, for the coordinator's answer; nothing of it is stored here.
  return registration.name();
}

}  // namespace events::accessibility
