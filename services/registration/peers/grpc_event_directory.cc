#include "services/registration/peers/grpc_event_directory.h"

#include <grpcpp/grpcpp.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/rpc/peer_call.h"

namespace events::registration {

GrpcEventDirectory::GrpcEventDirectory(std::shared_ptr<grpc::Channel> scheduling,
                                       const std::string& service_key,
                                       std::chrono::milliseconds deadline, std::string address)
    : stub_(events::v1::SchedulingService::NewStub(std::move(scheduling))),
      service_authorization_(service_key.empty() ? "" : absl::StrCat("Bearer ", service_key)),
      deadline_(deadline),
      address_(std::move(address)) {}

void GrpcEventDirectory::Prepare(grpc::ClientContext& context,
                                 const std::string& authorization) const {
  context.set_deadline(std::chrono::system_clock::now() + deadline_);
  context.AddMetadata("authorization", authorization);
}

absl::Status GrpcEventDirectory::Failed(const grpc::Status& status, const char* method,
                                        bool forwarded) const {
  events::rpc::Peer peer{"scheduling", address_, "EVENTS_SCHEDULING_ADDR", deadline_};
  peer.credential = "registration's service key (EVENTS_SERVICE_KEY)";
  peer.forwards_callers_credentials = forwarded;
  return events::rpc::PeerCallFailed(status, peer, method);
}

absl::StatusOr<events::v1::Event> GrpcEventDirectory::Get(const std::string& event_id,
                                                          const std::string& authorization,
                                                          bool forwarded) {
  events::v1::GetEventRequest request;
  request.set_event_id(event_id);
  events::v1::Event event;
  grpc::ClientContext context;
  Prepare(context, authorization);
  grpc::Status status = stub_->GetEvent(&context, request, &event);
  if (!status.ok()) return Failed(status, "GetEvent", forwarded);
  return event;
}

absl::StatusOr<events::v1::Event> GrpcEventDirectory::GetAsService(const std::string& event_id) {
  if (service_authorization_.empty()) {
    // Without the key scheduling would answer with the public view: drafts would look
    // missing and join links empty, which is worse than failing here.
    return absl::FailedPreconditionError(
        "no service key for calls to scheduling: issue a key with the service role and give "
        "it to the registration service");
  }
  return Get(event_id, service_authorization_, /*forwarded=*/false);
}

absl::StatusOr<EventFacts> GrpcEventDirectory::Fetch(const std::string& event_id) {
  absl::StatusOr<events::v1::Event> event = GetAsService(event_id);
  if (!event.ok()) return event.status();
  return FactsFromEvent(*event);
}

absl::StatusOr<std::string> GrpcEventDirectory::JoinLink(const std::string& event_id) {
  absl::StatusOr<events::v1::Event> event = GetAsService(event_id);
  if (!event.ok()) return event.status();
  if (event->status() == events::v1::EVENT_STATUS_CANCELLED) return std::string();
  return event->details().join_link();
}

absl::StatusOr<EventFacts> GrpcEventDirectory::SetCapacity(const std::string& event_id,
                                                           int32_t capacity,
                                                           const std::string& authorization) {
  if (authorization.empty()) {
    return absl::UnauthenticatedError(
        "changing capacity needs the organiser's key: send authorization: Bearer evk_...");
  }
  absl::Status last;
  for (int attempt = 0; attempt <= kMaxRetries; ++attempt) {
    // Read with the organiser's own header: they see their full view (join link, contact),
    // so the update below writes back exactly what is there, with only the capacity changed.
    absl::StatusOr<events::v1::Event> current = Get(event_id, authorization, /*forwarded=*/true);
    if (!current.ok()) return current.status();

    events::v1::UpdateEventRequest request;
    request.set_event_id(event_id);
    request.set_expected_version(current->version());
    *request.mutable_details() = current->details();
    request.mutable_details()->set_capacity(capacity);
    events::v1::Event updated;
    grpc::ClientContext context;
    Prepare(context, authorization);
    grpc::Status status = stub_->UpdateEvent(&context, request, &updated);
    if (status.ok()) return FactsFromEvent(updated);
    last = Failed(status, "UpdateEvent", /*forwarded=*/true);
    if (!absl::IsAborted(last)) return last;
  }
  return last;
}

}  // namespace events::registration
