#include <grpcpp/grpcpp.h>

#include "common/rpc/peer_call.h"
#include "events/v1/people.grpc.pb.h"
#include "events/v1/registration.grpc.pb.h"
#include "events/v1/scheduling.grpc.pb.h"
#include "services/notifications/peers/peers.h"

namespace events::notifications {
namespace {

class GrpcPeers final : public Peers {
 public:
  explicit GrpcPeers(const PeerAddresses& a)
      : registration_(events::v1::RegistrationService::NewStub(a.registration)),
        scheduling_(events::v1::SchedulingService::NewStub(a.scheduling)),
        people_(events::v1::PeopleService::NewStub(a.people)),
        key_(a.service_key),
        deadline_(a.deadline_ms),
        registration_peer_{"registration", a.registration_address, "EVENTS_REGISTRATION_ADDR",
                           deadline_, "notifications' EVENTS_SERVICE_KEY"},
        scheduling_peer_{"scheduling", a.scheduling_address, "EVENTS_SCHEDULING_ADDR", deadline_,
                         "notifications' EVENTS_SERVICE_KEY"},
        people_peer_{"people", a.people_address, "EVENTS_PEOPLE_ADDR", deadline_,
                     "notifications' EVENTS_SERVICE_KEY"} {}

  absl::StatusOr<events::v1::RegistrationLink> IssueLink(const std::string& registration_id,
                                                         const std::string& rotation_id) override {
    events::v1::IssueRegistrationLinkRequest req;
    req.set_registration_id(registration_id);
    req.set_rotation_id(rotation_id);
    events::v1::RegistrationLink resp;
    auto ctx = Context();
    grpc::Status s = registration_->IssueRegistrationLink(ctx.get(), req, &resp);
    if (!s.ok()) return events::rpc::PeerCallFailed(s, registration_peer_, "IssueRegistrationLink");
    return resp;
  }

  absl::StatusOr<events::v1::ListRegistrationsResponse> ListRegistrations(
      const std::string& org_id, const std::string& event_id, events::v1::RegistrationStatus status,
      const std::string& page_token) override {
    events::v1::ListEventRegistrationsRequest req;
    req.set_org_id(org_id);
    req.mutable_list()->set_event_id(event_id);
    req.mutable_list()->set_status(status);
    req.mutable_list()->mutable_page()->set_page_size(100);
    req.mutable_list()->mutable_page()->set_page_token(page_token);
    events::v1::ListRegistrationsResponse resp;
    auto ctx = Context();
    grpc::Status s = registration_->ListEventRegistrations(ctx.get(), req, &resp);
    if (!s.ok())
      return events::rpc::PeerCallFailed(s, registration_peer_, "ListEventRegistrations");
    return resp;
  }

  absl::StatusOr<events::v1::Event> GetEvent(const std::string& event_id) override {
    events::v1::GetEventRequest req;
    req.set_event_id(event_id);
    events::v1::Event resp;
    auto ctx = Context();
    grpc::Status s = scheduling_->GetEvent(ctx.get(), req, &resp);
    if (!s.ok()) return events::rpc::PeerCallFailed(s, scheduling_peer_, "GetEvent");
    return resp;
  }

  absl::StatusOr<events::v1::CalendarFile> Calendar(const std::string& event_id) override {
    events::v1::GetEventCalendarRequest req;
    req.set_event_id(event_id);
    events::v1::CalendarFile resp;
    auto ctx = Context();
    grpc::Status s = scheduling_->GetEventCalendar(ctx.get(), req, &resp);
    if (!s.ok()) return events::rpc::PeerCallFailed(s, scheduling_peer_, "GetEventCalendar");
    return resp;
  }

  absl::StatusOr<events::v1::MemberForMail> DescribeMember(const std::string& member_id) override {
    events::v1::DescribeMemberRequest req;
    req.set_member_id(member_id);
    events::v1::MemberForMail resp;
    auto ctx = Context();
    grpc::Status s = people_->DescribeMember(ctx.get(), req, &resp);
    if (!s.ok()) return events::rpc::PeerCallFailed(s, people_peer_, "DescribeMember");
    return resp;
  }

  absl::StatusOr<events::v1::SignInLink> IssueSignInLink(const std::string& link_id) override {
    events::v1::IssueSignInLinkRequest req;
    req.set_link_id(link_id);
    events::v1::SignInLink resp;
    auto ctx = Context();
    grpc::Status s = people_->IssueSignInLink(ctx.get(), req, &resp);
    if (!s.ok()) return events::rpc::PeerCallFailed(s, people_peer_, "IssueSignInLink");
    return resp;
  }

  absl::StatusOr<std::vector<events::v1::Member>> MembersWithRole(
      const std::string& org_id, events::v1::MemberRole role) override {
    events::v1::ListMembersForMailRequest req;
    req.set_org_id(org_id);
    req.set_role(role);
    events::v1::ListMembersForMailResponse resp;
    auto ctx = Context();
    grpc::Status s = people_->ListMembersForMail(ctx.get(), req, &resp);
    if (!s.ok()) return events::rpc::PeerCallFailed(s, people_peer_, "ListMembersForMail");
    return std::vector<events::v1::Member>(resp.members().begin(), resp.members().end());
  }

 private:
  std::unique_ptr<grpc::ClientContext> Context() const {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + deadline_);
    ctx->AddMetadata("authorization", "Bearer " + key_);
    return ctx;
  }

  std::unique_ptr<events::v1::RegistrationService::Stub> registration_;
  std::unique_ptr<events::v1::SchedulingService::Stub> scheduling_;
  std::unique_ptr<events::v1::PeopleService::Stub> people_;
  std::string key_;
  std::chrono::milliseconds deadline_;
  events::rpc::Peer registration_peer_;
  events::rpc::Peer scheduling_peer_;
  events::rpc::Peer people_peer_;
};

}  // namespace

std::unique_ptr<Peers> MakeGrpcPeers(const PeerAddresses& addresses) {
  return std::make_unique<GrpcPeers>(addresses);
}

}  // namespace events::notifications
