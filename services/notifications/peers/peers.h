#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "events/v1/registration.pb.h"
#include "events/v1/scheduling.pb.h"

namespace grpc {
class Channel;
}

namespace events::notifications {

// What an e-mail needs from the other services, asked at send time so that it says what is
// true then (a changed address, a new join link). Thread-safe. Errors: the peer's own
// answer (NOT_FOUND for a registration or event that is gone); UNAVAILABLE when it cannot
// be reached, INTERNAL when it refuses this service's key (misconfiguration).
class Peers {
 public:
  virtual ~Peers() = default;
  // The registrant's own view and personal token (registration's IssueRegistrationLink):
  // with `rotation_id`, a new token that replaces the old one (the same for the same id).
  virtual absl::StatusOr<events::v1::RegistrationLink> IssueLink(
      const std::string& registration_id, const std::string& rotation_id) = 0;
  // One page of the event's registrations in `status`.
  virtual absl::StatusOr<events::v1::ListRegistrationsResponse> ListRegistrations(
      const std::string& org_id, const std::string& event_id, events::v1::RegistrationStatus status,
      const std::string& page_token) = 0;
  virtual absl::StatusOr<events::v1::Event> GetEvent(const std::string& event_id) = 0;
  // The event's .ics (METHOD:CANCEL once cancelled).
  virtual absl::StatusOr<events::v1::CalendarFile> Calendar(const std::string& event_id) = 0;
};

struct PeerAddresses {
  std::shared_ptr<grpc::Channel> registration;
  std::string registration_address;
  std::shared_ptr<grpc::Channel> scheduling;
  std::string scheduling_address;
  std::string service_key;
  int deadline_ms = 5000;
};

std::unique_ptr<Peers> MakeGrpcPeers(const PeerAddresses& addresses);

}  // namespace events::notifications
