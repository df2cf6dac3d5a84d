#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "events/v1/people.pb.h"
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

  // A member of an organisation with their address and organisation name (people's
  // DescribeMember), for the invitation e-mail.
  virtual absl::StatusOr<events::v1::MemberForMail> DescribeMember(
      const std::string& member_id) = 0;
  // The token of a sign-in link, with its member (people's IssueSignInLink). A secret: put
  // it in the e-mail and forget it. FAILED_PRECONDITION when the link was used or expired.
  virtual absl::StatusOr<events::v1::SignInLink> IssueSignInLink(const std::string& link_id) = 0;
  // The organisation's active members with `role`, with their addresses (people's
  // ListMembersForMail).
  virtual absl::StatusOr<std::vector<events::v1::Member>> MembersWithRole(
      const std::string& org_id, events::v1::MemberRole role) = 0;
};

struct PeerAddresses {
  std::shared_ptr<grpc::Channel> registration;
  std::string registration_address;
  std::shared_ptr<grpc::Channel> scheduling;
  std::string scheduling_address;
  std::shared_ptr<grpc::Channel> people;
  std::string people_address;
  std::string service_key;
  int deadline_ms = 5000;
};

std::unique_ptr<Peers> MakeGrpcPeers(const PeerAddresses& addresses);

}  // namespace events::notifications
