// People: members (invite, list, roles, removal, second-factor reset) and the audit log.
#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/auth/key_store.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "common/util/page_size.h"
#include "common/util/status_macros.h"
#include "events/v1/domain_events.pb.h"
#include "services/people/domain/member_rules.h"
#include "services/people/domain/people.h"
#include "services/people/store/people_store.h"

namespace events::people {
namespace {

constexpr PageLimits kMemberPages{};
constexpr PageLimits kAuditPages{};

// An offset page token: 1 to 9 digits; "" is the start.
absl::StatusOr<int64_t> OffsetOf(const std::string& token) {
  if (token.empty()) return 0;
  int64_t offset = 0;
  const bool digits = token.size() <= 9 && std::all_of(token.begin(), token.end(),
                                                       [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || !absl::SimpleAtoi(token, &offset)) {
    return absl::InvalidArgumentError(
        "page.page_token is not one this call returned (pass next_page_token as given)");
  }
  return offset;
}

absl::Status MemberNotFound(const std::string& member_id) {
  return absl::NotFoundError(absl::StrCat("member ", member_id, " not found"));
}

}  // namespace

Actor ActorOf(const auth::Caller& caller) { return Actor{caller.key_id, caller.actor_name}; }

People::People(PeopleStore& store, auth::KeyStore& orgs, const Clock& clock, const IdGenerator& ids,
               PeopleOptions options)
    : store_(store), orgs_(orgs), clock_(clock), ids_(ids), options_(std::move(options)) {}

std::string People::OrgName(const std::string& org_id) {
  absl::StatusOr<auth::Organisation> org = orgs_.GetOrganisation(org_id);
  return org.ok() ? org->name : "";
}

events::v1::Member People::Shown(const auth::Caller& caller, events::v1::Member member) const {
  // Addresses are for organisers (who invite and remove); a person always sees their own.
  if (!caller.HasRole(auth::Role::kOrganiser) && caller.member_id != member.member_id()) {
    member.clear_email();
  }
  // Only the person themselves needs to know how many recovery codes they have left.
  if (caller.member_id != member.member_id()) member.clear_recovery_codes_left();
  return member;
}

absl::StatusOr<MemberRow> People::OwnMember(const auth::Caller& caller,
                                            const std::string& member_id) {
  EVENTS_RETURN_IF_ERROR(CheckMemberId(member_id));
  absl::StatusOr<MemberRow> row = store_.GetMember(member_id);
  if (absl::IsNotFound(row.status()) || (row.ok() && row->member.org_id() != caller.org_id)) {
    return MemberNotFound(member_id);
  }
  return row;
}

absl::StatusOr<events::v1::Member> People::InviteMember(
    const auth::Caller& caller, const events::v1::InviteMemberRequest& request) {
  EVENTS_RETURN_IF_ERROR(CheckMemberName(request.name()));
  EVENTS_ASSIGN_OR_RETURN(std::string email, NormalisedEmail(request.email(), "email"));
  EVENTS_ASSIGN_OR_RETURN(std::string roles, RolesText(request.roles(), "roles"));
  EVENTS_RETURN_IF_ERROR(CheckIdempotencyKey(request.idempotency_key()));

  const int64_t now = clock_.NowUnixMs();
  InviteWrite write;
  events::v1::Member& m = write.member;
  m.set_member_id(ids_.New("mem"));
  m.set_org_id(caller.org_id);
  m.set_name(std::string(absl::StripAsciiWhitespace(request.name())));
  m.set_email(email);
  m.set_invited_unix_ms(now);
  write.email_hash = EmailHash(email);
  write.roles = roles;
  write.actor = ActorOf(caller);
  // An e-mail says who invited the person: a colleague, not the name of a key.
  write.invited_by_name = caller.member_id.empty() ? "" : caller.actor_name;
  if (!request.idempotency_key().empty()) {
    write.idempotency_hash = Sha256Hex(request.idempotency_key());
  }
  write.audit_detail = absl::StrCat("roles: ", RolesInWords(roles));

  events::v1::MemberInvited payload;
  payload.set_member_id(m.member_id());
  payload.set_org_id(caller.org_id);
  payload.set_invited_by_name(write.invited_by_name);
  events::v1::DomainEvent& event = write.event;
  event.set_id(ids_.New("de"));
  event.set_type("people.member_invited");
  event.set_source("people");
  event.set_time_unix_ms(now);
  event.set_subject(m.member_id());
  event.set_org_id(caller.org_id);
  event.set_data_type("events.v1.MemberInvited");
  event.set_data(payload.SerializeAsString());

  std::string member_id;
  EVENTS_ASSIGN_OR_RETURN(std::string outcome, store_.Invite(write, &member_id));
  if (outcome == "exists") {
    return absl::AlreadyExistsError(absl::StrCat(
        "email: this address is already a member of your organisation (", member_id, ")"));
  }
  EVENTS_ASSIGN_OR_RETURN(MemberRow row, store_.GetMember(member_id));
  return Shown(caller, row.member);
}

absl::StatusOr<events::v1::ListMembersResponse> People::ListMembers(
    const auth::Caller& caller, const events::v1::ListMembersRequest& request) {
  EVENTS_ASSIGN_OR_RETURN(int size, PageSize(request.page().page_size(), kMemberPages));
  EVENTS_ASSIGN_OR_RETURN(int64_t offset, OffsetOf(request.page().page_token()));
  EVENTS_ASSIGN_OR_RETURN(std::vector<MemberRow> rows, store_.ListMembers(caller.org_id));
  std::vector<events::v1::Member> members;
  for (MemberRow& row : rows) {
    if (!request.include_removed() && row.member.status() == events::v1::MEMBER_STATUS_REMOVED) {
      continue;
    }
    members.push_back(Shown(caller, std::move(row.member)));
  }
  // By invitation time (the store's order), removed members last.
  std::stable_partition(members.begin(), members.end(), [](const events::v1::Member& m) {
    return m.status() != events::v1::MEMBER_STATUS_REMOVED;
  });
  events::v1::ListMembersResponse out;
  for (int64_t i = offset; i < static_cast<int64_t>(members.size()) && i < offset + size; ++i) {
    *out.add_members() = members[static_cast<size_t>(i)];
  }
  if (offset + size < static_cast<int64_t>(members.size())) {
    out.set_next_page_token(absl::StrCat(offset + size));
  }
  return out;
}

absl::StatusOr<events::v1::Member> People::GetMember(const auth::Caller& caller,
                                                     const std::string& member_id) {
  EVENTS_ASSIGN_OR_RETURN(MemberRow row, OwnMember(caller, member_id));
  return Shown(caller, row.member);
}

absl::StatusOr<events::v1::Member> People::ChangeMemberRoles(
    const auth::Caller& caller, const events::v1::ChangeMemberRolesRequest& request) {
  EVENTS_RETURN_IF_ERROR(CheckMemberId(request.member_id()));
  EVENTS_ASSIGN_OR_RETURN(std::string roles, RolesText(request.roles(), "roles"));
  if (request.expected_version() < 0) {
    return absl::InvalidArgumentError("expected_version must be 0 (no check) or a version");
  }
  int64_t stored = 0;
  EVENTS_ASSIGN_OR_RETURN(
      std::string outcome,
      store_.ChangeRoles(caller.org_id, request.member_id(), roles, request.expected_version(),
                         ActorOf(caller), clock_.NowUnixMs(), &stored));
  if (outcome == "not_found") return MemberNotFound(request.member_id());
  if (outcome == "removed") {
    return absl::FailedPreconditionError(
        absl::StrCat("member ", request.member_id(), " was removed; invite them again"));
  }
  if (outcome == "version") {
    return absl::AbortedError(absl::StrCat("member ", request.member_id(), " is at version ",
                                           stored, ", not ", request.expected_version(),
                                           "; fetch it again and retry"));
  }
  if (outcome == "last_organiser") {
    return absl::FailedPreconditionError(
        "roles: this is the organisation's last organiser; make someone else an organiser "
        "first");
  }
  return GetMember(caller, request.member_id());
}

absl::StatusOr<events::v1::Member> People::RemoveMember(const auth::Caller& caller,
                                                        const std::string& member_id) {
  EVENTS_RETURN_IF_ERROR(CheckMemberId(member_id));
  EVENTS_ASSIGN_OR_RETURN(std::string outcome, store_.Remove(caller.org_id, member_id,
                                                             ActorOf(caller), clock_.NowUnixMs()));
  if (outcome == "not_found") return MemberNotFound(member_id);
  if (outcome == "removed") {
    return absl::FailedPreconditionError(
        absl::StrCat("member ", member_id, " was removed already"));
  }
  if (outcome == "last_organiser") {
    return absl::FailedPreconditionError(
        "member_id: this is the organisation's last organiser; make someone else an organiser "
        "first");
  }
  return GetMember(caller, member_id);
}

absl::StatusOr<events::v1::Member> People::ResetSecondFactor(const auth::Caller& caller,
                                                             const std::string& member_id) {
  EVENTS_RETURN_IF_ERROR(CheckMemberId(member_id));
  EVENTS_ASSIGN_OR_RETURN(
      std::string outcome,
      store_.ResetSecondFactor(caller.org_id, member_id, ActorOf(caller), clock_.NowUnixMs()));
  if (outcome == "not_found") return MemberNotFound(member_id);
  if (outcome == "removed") {
    return absl::FailedPreconditionError(absl::StrCat("member ", member_id, " was removed"));
  }
  return GetMember(caller, member_id);
}

absl::StatusOr<events::v1::ListPeopleAuditResponse> People::ListAudit(
    const auth::Caller& caller, const events::v1::ListPeopleAuditRequest& request) {
  EVENTS_ASSIGN_OR_RETURN(int size, PageSize(request.page().page_size(), kAuditPages));
  EVENTS_ASSIGN_OR_RETURN(int64_t offset, OffsetOf(request.page().page_token()));
  // One more than asked says whether there is a next page.
  EVENTS_ASSIGN_OR_RETURN(std::vector<events::v1::PeopleAuditEntry> entries,
                          store_.ListAudit(caller.org_id, offset, size + 1));
  events::v1::ListPeopleAuditResponse out;
  for (size_t i = 0; i < entries.size() && i < static_cast<size_t>(size); ++i) {
    *out.add_entries() = entries[i];
  }
  if (entries.size() > static_cast<size_t>(size))
    out.set_next_page_token(absl::StrCat(offset + size));
  return out;
}

}  // namespace events::people
