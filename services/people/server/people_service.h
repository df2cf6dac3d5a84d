#pragma once

#include "common/rpc/client_address.h"
#include "events/v1/people.grpc.pb.h"

namespace events::auth {
class Authenticator;
}

namespace events::people {

class People;

// The gRPC face of People: authenticates, checks the role, calls the domain.
// Members' changes and the audit log: organisers (a session or an organiser key). Reading
// members: any signed-in member, or an organiser or access-coordinator key. Sign-in: public.
// The person's own calls: their session. IssueSignInLink, DescribeMember and
// ListMembersForMail: the service role only.
class PeopleServiceImpl final : public events::v1::PeopleService::Service {
 public:
  // `trusted_proxies`: whose x-forwarded-for is believed when counting a visitor's sign-in
  // requests.
  PeopleServiceImpl(People& people, const events::auth::Authenticator& auth,
                    events::rpc::TrustedProxies trusted_proxies = {})
      : people_(people), auth_(auth), trusted_proxies_(std::move(trusted_proxies)) {}

  grpc::Status InviteMember(grpc::ServerContext* ctx, const events::v1::InviteMemberRequest* req,
                            events::v1::Member* resp) override;
  grpc::Status ListMembers(grpc::ServerContext* ctx, const events::v1::ListMembersRequest* req,
                           events::v1::ListMembersResponse* resp) override;
  grpc::Status GetMember(grpc::ServerContext* ctx, const events::v1::GetMemberRequest* req,
                         events::v1::Member* resp) override;
  grpc::Status ChangeMemberRoles(grpc::ServerContext* ctx,
                                 const events::v1::ChangeMemberRolesRequest* req,
                                 events::v1::Member* resp) override;
  grpc::Status RemoveMember(grpc::ServerContext* ctx, const events::v1::RemoveMemberRequest* req,
                            events::v1::Member* resp) override;
  grpc::Status ResetSecondFactor(grpc::ServerContext* ctx,
                                 const events::v1::ResetSecondFactorRequest* req,
                                 events::v1::Member* resp) override;
  grpc::Status ListPeopleAudit(grpc::ServerContext* ctx,
                               const events::v1::ListPeopleAuditRequest* req,
                               events::v1::ListPeopleAuditResponse* resp) override;
  grpc::Status RequestSignIn(grpc::ServerContext* ctx, const events::v1::RequestSignInRequest* req,
                             events::v1::RequestSignInResponse* resp) override;
  grpc::Status CompleteSignIn(grpc::ServerContext* ctx,
                              const events::v1::CompleteSignInRequest* req,
                              events::v1::SignInSession* resp) override;
  grpc::Status VerifySecondFactor(grpc::ServerContext* ctx,
                                  const events::v1::VerifySecondFactorRequest* req,
                                  events::v1::SignInSession* resp) override;
  grpc::Status GetMe(grpc::ServerContext* ctx, const events::v1::GetMeRequest* req,
                     events::v1::Me* resp) override;
  grpc::Status StartSecondFactorSetup(grpc::ServerContext* ctx,
                                      const events::v1::StartSecondFactorSetupRequest* req,
                                      events::v1::SecondFactorSetup* resp) override;
  grpc::Status ConfirmSecondFactor(grpc::ServerContext* ctx,
                                   const events::v1::ConfirmSecondFactorRequest* req,
                                   events::v1::RecoveryCodes* resp) override;
  grpc::Status RenewRecoveryCodes(grpc::ServerContext* ctx,
                                  const events::v1::RenewRecoveryCodesRequest* req,
                                  events::v1::RecoveryCodes* resp) override;
  grpc::Status SignOut(grpc::ServerContext* ctx, const events::v1::SignOutRequest* req,
                       events::v1::SignOutResponse* resp) override;
  grpc::Status IssueSignInLink(grpc::ServerContext* ctx,
                               const events::v1::IssueSignInLinkRequest* req,
                               events::v1::SignInLink* resp) override;
  grpc::Status DescribeMember(grpc::ServerContext* ctx,
                              const events::v1::DescribeMemberRequest* req,
                              events::v1::MemberForMail* resp) override;
  grpc::Status ListMembersForMail(grpc::ServerContext* ctx,
                                  const events::v1::ListMembersForMailRequest* req,
                                  events::v1::ListMembersForMailResponse* resp) override;

 private:
  People& people_;
  const events::auth::Authenticator& auth_;
  const events::rpc::TrustedProxies trusted_proxies_;
};

}  // namespace events::people
