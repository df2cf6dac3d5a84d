#include "services/feedback/peers/grpc_directories.h"

#include <grpcpp/grpcpp.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/rpc/peer_call.h"
#include "common/time/local_time.h"

namespace events::feedback {
namespace {

// A failed call to `peer_name` (common/rpc/peer_call.h: never blamed on feedback's caller).
// `credential` names what feedback presents to the peer ("" for nothing).
absl::Status Failed(const grpc::Status& status, const char* peer_name, const char* method,
                    const PeerOptions& peer, const char* credential) {
  events::rpc::Peer p{peer_name, peer.address, peer.variable, peer.deadline};
  if (*credential != '\0') p.credential = absl::StrCat("feedback's ", credential);
  return events::rpc::PeerCallFailed(status, p, method);
}

}  // namespace

EventFacts FactsOf(const std::string& event_id, const std::string& org_id,
                   const std::string& series_id, int status, int64_t end_unix_ms,
                   const std::string& time_zone, int64_t version) {
  EventFacts f;
  f.event_id = event_id;
  f.org_id = org_id;
  f.series_id = series_id;
  f.status = status;
  f.end_unix_ms = end_unix_ms;
  f.time_zone = time_zone;
  f.version = version;
  const std::string zone =
      time_zone.empty() || !events::time::ValidateTimeZone(time_zone, "time_zone").ok() ? "UTC"
                                                                                        : time_zone;
  const events::time::LocalDateTime local = events::time::FromUnixMs(end_unix_ms, zone);
  f.month = absl::StrFormat("%04d-%02d", local.year, local.month);
  return f;
}

GrpcEventDirectory::GrpcEventDirectory(std::shared_ptr<grpc::Channel> channel,
                                       const std::string& service_key, PeerOptions peer)
    : stub_(events::v1::SchedulingService::NewStub(std::move(channel))),
      authorization_(absl::StrCat("Bearer ", service_key)),
      peer_(std::move(peer)) {}

absl::StatusOr<EventFacts> GrpcEventDirectory::Fetch(const std::string& event_id) {
  events::v1::GetEventRequest request;
  request.set_event_id(event_id);
  events::v1::Event event;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + peer_.deadline);
  context.AddMetadata("authorization", authorization_);
  grpc::Status status = stub_->GetEvent(&context, request, &event);
  if (!status.ok()) return Failed(status, "scheduling", "GetEvent", peer_, "EVENTS_SERVICE_KEY");
  return FactsOf(event.id(), event.org_id(), event.series_id(), event.status(), event.end_unix_ms(),
                 event.details().time_zone(), event.version());
}

GrpcRegistrationDirectory::GrpcRegistrationDirectory(std::shared_ptr<grpc::Channel> channel,
                                                     PeerOptions peer)
    : stub_(events::v1::RegistrationService::NewStub(std::move(channel))), peer_(std::move(peer)) {}

absl::StatusOr<AttendeeRegistration> GrpcRegistrationDirectory::Verify(const std::string& token) {
  events::v1::GetMyRegistrationRequest request;
  request.set_registration_token(token);
  events::v1::Registration registration;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + peer_.deadline);
  grpc::Status status = stub_->GetMyRegistration(&context, request, &registration);
  if (!status.ok()) return Failed(status, "registration", "GetMyRegistration", peer_, "");
  AttendeeRegistration out;
  out.registration_id = registration.id();
  out.event_id = registration.event_id();
  out.status = registration.status();
  out.attended = registration.attended();
  return out;
}

}  // namespace events::feedback
