#include "services/people/server/people_service.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "common/auth/authenticator.h"
#include "common/auth/grpc_auth.h"
#include "common/rpc/status.h"
#include "services/people/domain/people.h"

namespace events::people {

using events::auth::Caller;
using events::auth::Role;
using events::rpc::Reply;
using events::rpc::ToGrpcStatus;

namespace {

// The caller's own session token, for the calls about the session itself (which must work
// while a code is still needed, so they do not go through Authenticate).
absl::StatusOr<std::string> SessionTokenOf(const grpc::ServerContext& ctx) {
  std::optional<absl::string_view> header = events::auth::AuthorizationOf(ctx);
  absl::string_view value = absl::StripAsciiWhitespace(header.value_or(""));
  constexpr absl::string_view kBearer = "bearer ";
  if (value.size() > kBearer.size() &&
      absl::EqualsIgnoreCase(value.substr(0, kBearer.size()), kBearer)) {
    absl::string_view token = absl::StripAsciiWhitespace(value.substr(kBearer.size()));
    if (absl::StartsWith(token, events::auth::kSessionPrefix)) return std::string(token);
  }
  return absl::UnauthenticatedError(
      "this call needs your session: send \"authorization: Bearer evs_...\" from signing in");
}

// Any signed-in member of the organisation, or an organiser or access-coordinator key.
absl::StatusOr<Caller> AuthenticateMemberReader(const events::auth::Authenticator& auth,
                                                const grpc::ServerContext& ctx) {
  absl::StatusOr<Caller> caller = auth.Authenticate(events::auth::AuthorizationOf(ctx));
  if (!caller.ok() || !caller->member_id.empty()) return caller;
  absl::Status allowed =
      events::auth::RequireAnyRole(*caller, {Role::kOrganiser, Role::kAccessCoordinator});
  if (!allowed.ok()) return allowed;
  return caller;
}

absl::StatusOr<Caller> AuthenticateService(const events::auth::Authenticator& auth,
                                           const grpc::ServerContext& ctx) {
  absl::StatusOr<Caller> caller = auth.Authenticate(events::auth::AuthorizationOf(ctx));
  if (!caller.ok()) return caller;
  if (absl::Status s = events::auth::RequireRole(*caller, Role::kService); !s.ok()) return s;
  return caller;
}

}  // namespace

grpc::Status PeopleServiceImpl::InviteMember(grpc::ServerContext* ctx,
                                             const events::v1::InviteMemberRequest* req,
                                             events::v1::Member* resp) {
  absl::StatusOr<Caller> caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(people_.InviteMember(*caller, *req), resp);
}

grpc::Status PeopleServiceImpl::ListMembers(grpc::ServerContext* ctx,
                                            const events::v1::ListMembersRequest* req,
                                            events::v1::ListMembersResponse* resp) {
  absl::StatusOr<Caller> caller = AuthenticateMemberReader(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(people_.ListMembers(*caller, *req), resp);
}

grpc::Status PeopleServiceImpl::GetMember(grpc::ServerContext* ctx,
                                          const events::v1::GetMemberRequest* req,
                                          events::v1::Member* resp) {
  absl::StatusOr<Caller> caller = AuthenticateMemberReader(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(people_.GetMember(*caller, req->member_id()), resp);
}

grpc::Status PeopleServiceImpl::ChangeMemberRoles(grpc::ServerContext* ctx,
                                                  const events::v1::ChangeMemberRolesRequest* req,
                                                  events::v1::Member* resp) {
  absl::StatusOr<Caller> caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(people_.ChangeMemberRoles(*caller, *req), resp);
}

grpc::Status PeopleServiceImpl::RemoveMember(grpc::ServerContext* ctx,
                                             const events::v1::RemoveMemberRequest* req,
                                             events::v1::Member* resp) {
  absl::StatusOr<Caller> caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(people_.RemoveMember(*caller, req->member_id()), resp);
}

grpc::Status PeopleServiceImpl::ResetSecondFactor(grpc::ServerContext* ctx,
                                                  const events::v1::ResetSecondFactorRequest* req,
                                                  events::v1::Member* resp) {
  absl::StatusOr<Caller> caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(people_.ResetSecondFactor(*caller, req->member_id()), resp);
}

grpc::Status PeopleServiceImpl::ListPeopleAudit(grpc::ServerContext* ctx,
                                                const events::v1::ListPeopleAuditRequest* req,
                                                events::v1::ListPeopleAuditResponse* resp) {
  absl::StatusOr<Caller> caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(people_.ListAudit(*caller, *req), resp);
}

grpc::Status PeopleServiceImpl::RequestSignIn(grpc::ServerContext* ctx,
                                              const events::v1::RequestSignInRequest* req,
                                              events::v1::RequestSignInResponse* resp) {
  std::string forwarded_for;
  if (!trusted_proxies_.empty()) {
    auto header = ctx->client_metadata().find("x-forwarded-for");
    if (header != ctx->client_metadata().end()) {
      forwarded_for.assign(header->second.data(), header->second.size());
    }
  }
  const std::string visitor =
      events::rpc::ClientAddress(ctx->peer(), forwarded_for, trusted_proxies_);
  return Reply(people_.RequestSignIn(*req, visitor), resp);
}

grpc::Status PeopleServiceImpl::CompleteSignIn(grpc::ServerContext*,
                                               const events::v1::CompleteSignInRequest* req,
                                               events::v1::SignInSession* resp) {
  return Reply(people_.CompleteSignIn(*req), resp);
}

grpc::Status PeopleServiceImpl::VerifySecondFactor(grpc::ServerContext* ctx,
                                                   const events::v1::VerifySecondFactorRequest* req,
                                                   events::v1::SignInSession* resp) {
  absl::StatusOr<std::string> token = SessionTokenOf(*ctx);
  if (!token.ok()) return ToGrpcStatus(token.status());
  return Reply(people_.VerifySecondFactor(*token, *req), resp);
}

grpc::Status PeopleServiceImpl::GetMe(grpc::ServerContext* ctx, const events::v1::GetMeRequest*,
                                      events::v1::Me* resp) {
  absl::StatusOr<Caller> caller = auth_.Authenticate(events::auth::AuthorizationOf(*ctx));
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<std::string> token = SessionTokenOf(*ctx);
  if (!token.ok()) return ToGrpcStatus(token.status());
  return Reply(people_.GetMe(*caller, *token), resp);
}

grpc::Status PeopleServiceImpl::StartSecondFactorSetup(
    grpc::ServerContext* ctx, const events::v1::StartSecondFactorSetupRequest*,
    events::v1::SecondFactorSetup* resp) {
  absl::StatusOr<Caller> caller = auth_.Authenticate(events::auth::AuthorizationOf(*ctx));
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(people_.StartSecondFactorSetup(*caller), resp);
}

grpc::Status PeopleServiceImpl::ConfirmSecondFactor(
    grpc::ServerContext* ctx, const events::v1::ConfirmSecondFactorRequest* req,
    events::v1::RecoveryCodes* resp) {
  absl::StatusOr<Caller> caller = auth_.Authenticate(events::auth::AuthorizationOf(*ctx));
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<std::string> token = SessionTokenOf(*ctx);
  if (!token.ok()) return ToGrpcStatus(token.status());
  return Reply(people_.ConfirmSecondFactor(*caller, *token, *req), resp);
}

grpc::Status PeopleServiceImpl::RenewRecoveryCodes(grpc::ServerContext* ctx,
                                                   const events::v1::RenewRecoveryCodesRequest* req,
                                                   events::v1::RecoveryCodes* resp) {
  absl::StatusOr<Caller> caller = auth_.Authenticate(events::auth::AuthorizationOf(*ctx));
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(people_.RenewRecoveryCodes(*caller, *req), resp);
}

grpc::Status PeopleServiceImpl::SignOut(grpc::ServerContext* ctx,
                                        const events::v1::SignOutRequest* req,
                                        events::v1::SignOutResponse* resp) {
  absl::StatusOr<std::string> token = SessionTokenOf(*ctx);
  if (!token.ok()) return ToGrpcStatus(token.status());
  return Reply(people_.SignOut(*token, *req), resp);
}

grpc::Status PeopleServiceImpl::IssueSignInLink(grpc::ServerContext* ctx,
                                                const events::v1::IssueSignInLinkRequest* req,
                                                events::v1::SignInLink* resp) {
  absl::StatusOr<Caller> caller = AuthenticateService(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(people_.IssueSignInLink(req->link_id()), resp);
}

grpc::Status PeopleServiceImpl::DescribeMember(grpc::ServerContext* ctx,
                                               const events::v1::DescribeMemberRequest* req,
                                               events::v1::MemberForMail* resp) {
  absl::StatusOr<Caller> caller = AuthenticateService(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(people_.DescribeMember(req->member_id()), resp);
}

grpc::Status PeopleServiceImpl::ListMembersForMail(grpc::ServerContext* ctx,
                                                   const events::v1::ListMembersForMailRequest* req,
                                                   events::v1::ListMembersForMailResponse* resp) {
  absl::StatusOr<Caller> caller = AuthenticateService(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(people_.ListMembersForMail(*req), resp);
}

}  // namespace events::people
