#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "events/v1/scheduling.grpc.pb.h"
#include "services/registration/facts/event_facts.h"

namespace grpc {
class Channel;
}

namespace events::registration {

// EventDirectory over SchedulingService. Fetch and JoinLink call GetEvent with the service
// key (the `service` role sees every organisation's full view, drafts and join links
// included); SetCapacity passes on the organiser's own "authorization" header, so scheduling
// decides what they may change. Every call has `deadline`. Thread-safe (the stub is).
//
// Errors (common/rpc/peer_call.h): scheduling unreachable or too slow is UNAVAILABLE, naming
// the address and the variable to set; scheduling refusing the service key is INTERNAL;
// other statuses, and refusals of the organiser's forwarded key, pass through unchanged;
// FAILED_PRECONDITION when no service key was given; UNAUTHENTICATED from SetCapacity when
// the authorization to forward is empty.
class GrpcEventDirectory final : public EventDirectory {
 public:
  // `address` is only used in messages ("is scheduling running at <address>?"); leave it
  // empty when unknown.
  GrpcEventDirectory(std::shared_ptr<grpc::Channel> scheduling, const std::string& service_key,
                     std::chrono::milliseconds deadline, std::string address = "");

  absl::StatusOr<EventFacts> Fetch(const std::string& event_id) override;
  absl::StatusOr<std::string> JoinLink(const std::string& event_id) override;
  // GetEvent then UpdateEvent with expected_version = the version read, both with the
  // forwarded header; on ABORTED (someone changed the event in between) it reads again and
  // retries, up to kMaxRetries times, then returns the ABORTED.
  absl::StatusOr<EventFacts> SetCapacity(const std::string& event_id, int32_t capacity,
                                         const std::string& authorization) override;

  static constexpr int kMaxRetries = 3;

 private:
  // GetEvent with the given authorization header value: the service key, or the caller's
  // own (`forwarded`).
  absl::StatusOr<events::v1::Event> Get(const std::string& event_id,
                                        const std::string& authorization, bool forwarded);
  absl::StatusOr<events::v1::Event> GetAsService(const std::string& event_id);
  // Prepares a call: the deadline and the authorization header.
  void Prepare(grpc::ClientContext& context, const std::string& authorization) const;
  // Maps a failed call (rpc::PeerCallFailed): a refusal of the service key is INTERNAL, a
  // refusal of the organiser's `forwarded` key passes through.
  absl::Status Failed(const grpc::Status& status, const char* method, bool forwarded) const;

  const std::unique_ptr<events::v1::SchedulingService::Stub> stub_;
  const std::string service_authorization_;  // "Bearer <service key>", or "" if none
  const std::chrono::milliseconds deadline_;
  const std::string address_;
};

}  // namespace events::registration
