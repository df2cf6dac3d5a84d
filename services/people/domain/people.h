#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/auth/api_key.h"
#include "events/v1/people.pb.h"

namespace events {
class Clock;
class IdGenerator;
}  // namespace events
namespace events::auth {
class KeyStore;
}  // namespace events::auth
namespace events::bus {
class Keyspace;
}  // namespace events::bus

namespace events::people {

class PeopleStore;
struct MemberRow;

// The settings of the people service (docs/people.md, "Settings").
struct PeopleOptions {
  // HMAC key of link tokens (PEOPLE_LINK_SECRET, at least 32 characters).
  std::string link_secret;
  // The 32 raw bytes of the AES-256-GCM key for authenticator-app keys at rest.
  std::string encryption_key;
  int link_minutes = 15;
  int idle_minutes = 30;
  int session_hours = 12;
  // RequestSignIn: at most this many per address, and per visitor address, per window.
  int sign_ins_per_address = 5;
  int sign_ins_per_visitor = 30;
  int sign_in_window_minutes = 15;
  // Wrong codes after which a session waiting for one ends.
  int max_code_failures = 5;
  // The name an authenticator app shows beside the code.
  std::string issuer = "Inclusive Events";
};

// The rules of the people service: members, signing in, the second factor and sessions.
// Knows no gRPC. `caller` is the authenticated caller; `session_token` the caller's own
// "evs_..." token where a call is about the session itself. Errors: INVALID_ARGUMENT naming
// the field, NOT_FOUND (unknown, or another organisation's), FAILED_PRECONDITION (naming why),
// ABORTED (a version conflict), RESOURCE_EXHAUSTED (too many sign-in requests),
// UNAUTHENTICATED (the session has ended), PERMISSION_DENIED, UNAVAILABLE (Redis down).
// Thread-safe.
class People {
 public:
  People(PeopleStore& store, auth::KeyStore& orgs, const Clock& clock, const IdGenerator& ids,
         PeopleOptions options);

  absl::StatusOr<events::v1::Member> InviteMember(const auth::Caller& caller,
                                                  const events::v1::InviteMemberRequest& request);
  absl::StatusOr<events::v1::ListMembersResponse> ListMembers(
      const auth::Caller& caller, const events::v1::ListMembersRequest& request);
  absl::StatusOr<events::v1::Member> GetMember(const auth::Caller& caller,
                                               const std::string& member_id);
  absl::StatusOr<events::v1::Member> ChangeMemberRoles(
      const auth::Caller& caller, const events::v1::ChangeMemberRolesRequest& request);
  absl::StatusOr<events::v1::Member> RemoveMember(const auth::Caller& caller,
                                                  const std::string& member_id);
  absl::StatusOr<events::v1::Member> ResetSecondFactor(const auth::Caller& caller,
                                                       const std::string& member_id);
  absl::StatusOr<events::v1::ListPeopleAuditResponse> ListAudit(
      const auth::Caller& caller, const events::v1::ListPeopleAuditRequest& request);

  // `visitor`: the client's address (behind trusted proxies), for the rate limit.
  absl::StatusOr<events::v1::RequestSignInResponse> RequestSignIn(
      const events::v1::RequestSignInRequest& request, const std::string& visitor);
  absl::StatusOr<events::v1::SignInSession> CompleteSignIn(
      const events::v1::CompleteSignInRequest& request);
  absl::StatusOr<events::v1::SignInSession> VerifySecondFactor(
      const std::string& session_token, const events::v1::VerifySecondFactorRequest& request);

  absl::StatusOr<events::v1::Me> GetMe(const auth::Caller& caller,
                                       const std::string& session_token);
  absl::StatusOr<events::v1::SecondFactorSetup> StartSecondFactorSetup(const auth::Caller& caller);
  absl::StatusOr<events::v1::RecoveryCodes> ConfirmSecondFactor(
      const auth::Caller& caller, const std::string& session_token,
      const events::v1::ConfirmSecondFactorRequest& request);
  absl::StatusOr<events::v1::RecoveryCodes> RenewRecoveryCodes(
      const auth::Caller& caller, const events::v1::RenewRecoveryCodesRequest& request);
  absl::StatusOr<events::v1::SignOutResponse> SignOut(const std::string& session_token,
                                                      const events::v1::SignOutRequest& request);

  // For notifications (service role).
  absl::StatusOr<events::v1::SignInLink> IssueSignInLink(const std::string& link_id);
  absl::StatusOr<events::v1::MemberForMail> DescribeMember(const std::string& member_id);
  absl::StatusOr<events::v1::ListMembersForMailResponse> ListMembersForMail(
      const events::v1::ListMembersForMailRequest& request);

  const PeopleOptions& options() const { return options_; }

 private:
  // The member of the caller's organisation, or NOT_FOUND.
  absl::StatusOr<MemberRow> OwnMember(const auth::Caller& caller, const std::string& member_id);
  // The member as the caller may see it (the address for organisers only).
  events::v1::Member Shown(const auth::Caller& caller, events::v1::Member member) const;
  std::string OrgName(const std::string& org_id);
  // The person's session: UNAUTHENTICATED (the ended message) when it has ended.
  absl::StatusOr<events::v1::SignInSession> SessionAnswer(const std::string& token,
                                                          const std::string& member_id,
                                                          bool pending);
  // The time step of `code` against the member's (sealed) app key, or INVALID_ARGUMENT.
  absl::StatusOr<std::optional<int64_t>> StepOf(const std::string& member_id,
                                                const std::string& sealed_key,
                                                const std::string& code, absl::string_view field);
  // The SHA-256s of recovery codes, as stored.
  static std::vector<std::string> HashesOf(const std::vector<std::string>& codes);
  absl::StatusOr<std::string> Seal(const std::string& member_id, const std::string& key) const;

  PeopleStore& store_;
  auth::KeyStore& orgs_;
  const Clock& clock_;
  const IdGenerator& ids_;
  const PeopleOptions options_;
};

// The actor of an audit entry: the person, or the API key (id and name).
struct Actor;
Actor ActorOf(const auth::Caller& caller);

}  // namespace events::people
