// People: signing in (a link by e-mail, bound to the browser) and the calls notifications
// makes to send the e-mails.
#include "absl/strings/str_cat.h"
#include "common/auth/authenticator.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "common/util/status_macros.h"
#include "events/v1/domain_events.pb.h"
#include "services/people/domain/member_rules.h"
#include "services/people/domain/people.h"
#include "services/people/domain/secrets.h"
#include "services/people/store/people_store.h"

namespace events::people {
namespace {

constexpr int64_t kMinute = 60'000;

}  // namespace

absl::StatusOr<events::v1::RequestSignInResponse> People::RequestSignIn(
    const events::v1::RequestSignInRequest& request, const std::string& visitor) {
  EVENTS_ASSIGN_OR_RETURN(std::string email, NormalisedEmail(request.email(), "email"));
  EVENTS_RETURN_IF_ERROR(CheckBrowserSecret(request.browser_secret()));
  const int64_t now = clock_.NowUnixMs();
  SignInRequestWrite write;
  write.email_hash = EmailHash(email);
  write.visitor_hash = Sha256Hex(visitor);
  write.per_address = options_.sign_ins_per_address;
  write.per_visitor = options_.sign_ins_per_visitor;
  write.window_ms = options_.sign_in_window_minutes * kMinute;
  write.link_ms = options_.link_minutes * kMinute;
  write.link_expires_ms = now + write.link_ms;
  write.browser_hash = Sha256Hex(request.browser_secret());
  // The script checks each membership again (removed since, or the address changed hands).
  EVENTS_ASSIGN_OR_RETURN(std::vector<std::string> members,
                          store_.MembersWithEmail(write.email_hash));
  for (const std::string& member_id : members) {
    LinkWrite link;
    link.member_id = member_id;
    link.link_id = ids_.New("sil");
    events::v1::SignInRequested payload;
    payload.set_link_id(link.link_id);
    payload.set_member_id(member_id);
    payload.set_expires_unix_ms(write.link_expires_ms);
    // The org id is filled from the member by notifications' DescribeMember/IssueSignInLink;
    // the envelope carries it for routing.
    absl::StatusOr<MemberRow> row = store_.GetMember(member_id);
    if (!row.ok()) continue;
    payload.set_org_id(row->member.org_id());
    events::v1::DomainEvent& event = link.event;
    event.set_id(ids_.New("de"));
    event.set_type("people.sign_in_requested");
    event.set_source("people");
    event.set_time_unix_ms(now);
    event.set_subject(member_id);
    event.set_org_id(row->member.org_id());
    event.set_data_type("events.v1.SignInRequested");
    event.set_data(payload.SerializeAsString());
    write.links.push_back(std::move(link));
  }
  EVENTS_ASSIGN_OR_RETURN(std::string outcome, store_.RequestSignIn(write, now));
  if (outcome == "limited") {
    return absl::ResourceExhaustedError(absl::StrCat("too many sign-in requests; wait ",
                                                     options_.sign_in_window_minutes,
                                                     " minutes and ask again"));
  }
  events::v1::RequestSignInResponse out;
  out.set_link_minutes(options_.link_minutes);
  return out;
}

absl::StatusOr<events::v1::SignInSession> People::CompleteSignIn(
    const events::v1::CompleteSignInRequest& request) {
  EVENTS_ASSIGN_OR_RETURN(std::string link_id,
                          LinkIdOf(options_.link_secret, request.link_token()));
  EVENTS_RETURN_IF_ERROR(CheckBrowserSecret(request.browser_secret()));
  const int64_t now = clock_.NowUnixMs();
  const std::string token = NewSessionToken();
  std::string member_id;
  bool pending = false;
  EVENTS_ASSIGN_OR_RETURN(
      std::string outcome,
      store_.CompleteSignIn(link_id, Sha256Hex(request.browser_secret()), Sha256Hex(token),
                            now + int64_t{options_.session_hours} * 60 * kMinute,
                            options_.idle_minutes * kMinute, now, &member_id, &pending));
  if (outcome == "expired") {
    return absl::FailedPreconditionError(
        "link_token: the link has expired; ask for a new one on the sign-in page");
  }
  if (outcome == "used") {
    return absl::FailedPreconditionError(
        "link_token: the link was used already; ask for a new one on the sign-in page");
  }
  if (outcome == "other_browser") {
    return absl::FailedPreconditionError(
        "link_token: the link works only in the browser where you asked for it; open it there, "
        "or ask for a new one in this browser");
  }
  if (outcome == "removed") {
    return absl::FailedPreconditionError(
        "link_token: you are no longer a member of this organisation; ask an organiser");
  }
  return SessionAnswer(token, member_id, pending);
}

absl::StatusOr<events::v1::SignInSession> People::SessionAnswer(const std::string& token,
                                                                const std::string& member_id,
                                                                bool pending) {
  EVENTS_ASSIGN_OR_RETURN(SessionRow session,
                          store_.GetSession(Sha256Hex(token), clock_.NowUnixMs()));
  EVENTS_ASSIGN_OR_RETURN(MemberRow row, store_.GetMember(member_id));
  events::v1::SignInSession out;
  out.set_session_token(token);
  out.set_second_factor_needed(pending);
  out.set_expires_unix_ms(session.expires_ms);
  out.set_idle_minutes(static_cast<int32_t>(session.idle_ms / kMinute));
  *out.mutable_member() = row.member;
  out.set_org_name(OrgName(row.member.org_id()));
  return out;
}

absl::StatusOr<events::v1::SignInLink> People::IssueSignInLink(const std::string& link_id) {
  if (!IsWellFormedId(link_id, "sil")) {
    return absl::InvalidArgumentError("link_id is not a sign-in link id (\"sil_...\")");
  }
  absl::StatusOr<LinkRow> link = store_.GetLink(link_id);
  if (absl::IsNotFound(link.status()) || (link.ok() && link->expires_ms <= clock_.NowUnixMs())) {
    return absl::FailedPreconditionError(
        absl::StrCat("sign-in link ", link_id, " has expired: nothing to send"));
  }
  if (!link.ok()) return link.status();
  if (link->used) {
    return absl::FailedPreconditionError(
        absl::StrCat("sign-in link ", link_id, " was used already: nothing to send"));
  }
  EVENTS_ASSIGN_OR_RETURN(MemberRow row, store_.GetMember(link->member_id));
  if (row.member.status() == events::v1::MEMBER_STATUS_REMOVED) {
    return absl::FailedPreconditionError(
        absl::StrCat("member ", link->member_id, " was removed: nothing to send"));
  }
  events::v1::SignInLink out;
  out.set_token(LinkToken(options_.link_secret, link_id));
  out.set_expires_unix_ms(link->expires_ms);
  *out.mutable_member() = row.member;
  out.mutable_member()->clear_recovery_codes_left();
  out.set_org_name(OrgName(row.member.org_id()));
  return out;
}

absl::StatusOr<events::v1::MemberForMail> People::DescribeMember(const std::string& member_id) {
  EVENTS_RETURN_IF_ERROR(CheckMemberId(member_id));
  absl::StatusOr<MemberRow> row = store_.GetMember(member_id);
  if (absl::IsNotFound(row.status())) {
    return absl::NotFoundError(absl::StrCat("member ", member_id, " not found"));
  }
  if (!row.ok()) return row.status();
  events::v1::MemberForMail out;
  *out.mutable_member() = row->member;
  out.mutable_member()->clear_recovery_codes_left();
  out.set_org_name(OrgName(row->member.org_id()));
  return out;
}

absl::StatusOr<events::v1::ListMembersForMailResponse> People::ListMembersForMail(
    const events::v1::ListMembersForMailRequest& request) {
  if (request.org_id().empty()) return absl::InvalidArgumentError("org_id is required");
  if (request.role() == events::v1::MEMBER_ROLE_UNSPECIFIED ||
      !events::v1::MemberRole_IsValid(request.role())) {
    return absl::InvalidArgumentError(
        "role must be organiser, access coordinator or viewer (MEMBER_ROLE_...)");
  }
  EVENTS_ASSIGN_OR_RETURN(std::vector<MemberRow> rows, store_.ListMembers(request.org_id()));
  events::v1::ListMembersForMailResponse out;
  for (MemberRow& row : rows) {
    if (row.member.status() != events::v1::MEMBER_STATUS_ACTIVE) continue;
    const auto& roles = row.member.roles();
    if (std::find(roles.begin(), roles.end(), request.role()) == roles.end()) continue;
    row.member.clear_recovery_codes_left();
    *out.add_members() = std::move(row.member);
  }
  return out;
}

}  // namespace events::people
