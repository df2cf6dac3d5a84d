#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "events/v1/registration.grpc.pb.h"
#include "events/v1/scheduling.grpc.pb.h"
#include "services/feedback/peers/directories.h"

namespace grpc {
class Channel;
}

namespace events::feedback {

// Where a peer service is and how long to wait for it, for messages that say what to set.
struct PeerOptions {
  std::string address;   // only used in messages
  std::string variable;  // e.g. "EVENTS_SCHEDULING_ADDR"
  std::chrono::milliseconds deadline{2000};
};

// EventDirectory over SchedulingService.GetEvent with the service key (the `service` role
// sees every organisation's events). Errors as rpc::PeerCallFailed (common/rpc/peer_call.h):
// scheduling's own answers pass through; unreachable or too slow is UNAVAILABLE, naming the
// address and the variable to set; a refused service key is INTERNAL.
class GrpcEventDirectory final : public EventDirectory {
 public:
  GrpcEventDirectory(std::shared_ptr<grpc::Channel> channel, const std::string& service_key,
                     PeerOptions peer);
  absl::StatusOr<EventFacts> Fetch(const std::string& event_id) override;

 private:
  const std::unique_ptr<events::v1::SchedulingService::Stub> stub_;
  const std::string authorization_;
  const PeerOptions peer_;
};

// RegistrationDirectory over RegistrationService.GetMyRegistration (public: the token is
// the credential). Errors as GrpcEventDirectory's.
class GrpcRegistrationDirectory final : public RegistrationDirectory {
 public:
  GrpcRegistrationDirectory(std::shared_ptr<grpc::Channel> channel, PeerOptions peer);
  absl::StatusOr<AttendeeRegistration> Verify(const std::string& token) override;

 private:
  const std::unique_ptr<events::v1::RegistrationService::Stub> stub_;
  const PeerOptions peer_;
};

// The facts feedback keeps from a scheduling Event (or an EventChanged of the same fields):
// the month is that of the end in the event's time zone ("YYYY-MM").
EventFacts FactsOf(const std::string& event_id, const std::string& org_id,
                   const std::string& series_id, int status, int64_t end_unix_ms,
                   const std::string& time_zone, int64_t version);

}  // namespace events::feedback
