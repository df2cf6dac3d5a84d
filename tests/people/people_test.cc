// Members over real gRPC and Redis: invite, list, get, change roles, remove, and the audit
// log with names.
#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "tests/people/people_test_support.h"

namespace events::people::testing {
namespace {

using events::v1::MEMBER_ROLE_ACCESS_COORDINATOR;
using events::v1::MEMBER_ROLE_ORGANISER;
using events::v1::MEMBER_ROLE_VIEWER;
using ::testing::HasSubstr;

TEST_F(PeopleTest, AnInvitedPersonIsListedAndTheInvitationIsAnEventWithoutTheAddress) {
  events::v1::Member amira = Invite("Amira Khan", " Amira.Khan@Example.org ",
                                    {MEMBER_ROLE_ORGANISER, MEMBER_ROLE_ACCESS_COORDINATOR});
  EXPECT_TRUE(absl::StartsWith(amira.member_id(), "mem_"));
  EXPECT_EQ(amira.org_id(), org_);
  EXPECT_EQ(amira.email(), "amira.khan@example.org");
  EXPECT_EQ(amira.status(), events::v1::MEMBER_STATUS_INVITED);
  EXPECT_EQ(amira.roles_size(), 2);
  EXPECT_EQ(amira.version(), 1);
  EXPECT_EQ(amira.invited_unix_ms(), clock_.NowUnixMs());
  EXPECT_EQ(amira.invited_by_name(), "");  // invited with a key, not by a person

  events::v1::ListMembersResponse list;
  ASSERT_TRUE(stub_->ListMembers(Call(org_key_).get(), {}, &list).ok());
  ASSERT_EQ(list.members_size(), 1);
  EXPECT_EQ(list.members(0).member_id(), amira.member_id());

  events::v1::GetMemberRequest get;
  get.set_member_id(amira.member_id());
  events::v1::Member got;
  ASSERT_TRUE(stub_->GetMember(Call(org_key_).get(), get, &got).ok());
  EXPECT_EQ(got.name(), "Amira Khan");

  auto entries = redis_->Command({"XRANGE", keys_->Stream(auth::kPeoplePartition), "-", "+"});
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(redis::ArraySize(**entries), 1u);
  const redisReply& fields = redis::ArrayAt(redis::ArrayAt(**entries, 0), 1);
  std::vector<std::pair<std::string, std::string>> pairs;
  for (size_t f = 0; f + 1 < redis::ArraySize(fields); f += 2) {
    pairs.emplace_back(redis::AsString(redis::ArrayAt(fields, f)),
                       redis::AsString(redis::ArrayAt(fields, f + 1)));
  }
  auto event = bus::FromStreamFields(pairs);
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event->type(), "people.member_invited");
  EXPECT_EQ(event->org_id(), org_);
  events::v1::MemberInvited payload;
  ASSERT_TRUE(payload.ParseFromString(event->data()));
  EXPECT_EQ(payload.member_id(), amira.member_id());
  EXPECT_EQ(event->data().find("example.org"), std::string::npos);
}

TEST_F(PeopleTest, AnAddressIsAMemberOnceAndARetriedInvitationAnswersTheSameMember) {
  events::v1::InviteMemberRequest req;
  req.set_name("Sam Patel");
  req.set_email("sam@example.org");
  req.add_roles(MEMBER_ROLE_VIEWER);
  req.set_idempotency_key("invite-sam-1");
  events::v1::Member first;
  events::v1::Member again;
  ASSERT_TRUE(stub_->InviteMember(Call(org_key_).get(), req, &first).ok());
  ASSERT_TRUE(stub_->InviteMember(Call(org_key_).get(), req, &again).ok());
  EXPECT_EQ(first.member_id(), again.member_id());

  req.clear_idempotency_key();
  req.set_email("SAM@example.org");
  events::v1::Member twice;
  grpc::Status s = stub_->InviteMember(Call(org_key_).get(), req, &twice);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(s.error_message(), HasSubstr("email"));
}

TEST_F(PeopleTest, BadInvitationsNameTheFieldAndTheRule) {
  struct Case {
    std::string name, email;
    std::vector<MemberRole> roles;
    std::string field;
  };
  for (const Case& c : std::vector<Case>{
           {"", "a@example.org", {MEMBER_ROLE_VIEWER}, "name"},
           {"A", "not an address", {MEMBER_ROLE_VIEWER}, "email"},
           {"A", "a@example.org", {}, "roles"},
           {"A", "a@example.org", {MEMBER_ROLE_VIEWER, MEMBER_ROLE_ORGANISER}, "viewer alone"},
       }) {
    events::v1::InviteMemberRequest req;
    req.set_name(c.name);
    req.set_email(c.email);
    for (MemberRole r : c.roles) req.add_roles(r);
    events::v1::Member m;
    grpc::Status s = stub_->InviteMember(Call(org_key_).get(), req, &m);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_THAT(s.error_message(), HasSubstr(c.field));
  }
}

TEST_F(PeopleTest, RolesChangeWithTheVersionAndNeverLeaveTheOrganisationWithoutAnOrganiser) {
  events::v1::Member amira = Invite("Amira Khan", "amira@example.org", {MEMBER_ROLE_ORGANISER});
  events::v1::ChangeMemberRolesRequest change;
  change.set_member_id(amira.member_id());
  change.add_roles(MEMBER_ROLE_VIEWER);
  change.set_expected_version(amira.version());
  events::v1::Member changed;
  grpc::Status s = stub_->ChangeMemberRoles(Call(org_key_).get(), change, &changed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("last organiser"));

  events::v1::Member ben = Invite("Ben Ode", "ben@example.org", {MEMBER_ROLE_ORGANISER});
  ASSERT_TRUE(stub_->ChangeMemberRoles(Call(org_key_).get(), change, &changed).ok());
  EXPECT_EQ(changed.version(), amira.version() + 1);
  ASSERT_EQ(changed.roles_size(), 1);
  EXPECT_EQ(changed.roles(0), MEMBER_ROLE_VIEWER);

  // The same expected version again: someone changed the member meanwhile.
  s = stub_->ChangeMemberRoles(Call(org_key_).get(), change, &changed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_THAT(s.error_message(), HasSubstr("version"));

  // Ben is now the last organiser: he cannot be removed.
  events::v1::RemoveMemberRequest remove;
  remove.set_member_id(ben.member_id());
  events::v1::Member removed;
  s = stub_->RemoveMember(Call(org_key_).get(), remove, &removed);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  remove.set_member_id(amira.member_id());
  ASSERT_TRUE(stub_->RemoveMember(Call(org_key_).get(), remove, &removed).ok());
  EXPECT_EQ(removed.status(), events::v1::MEMBER_STATUS_REMOVED);
  EXPECT_EQ(removed.removed_unix_ms(), clock_.NowUnixMs());

  // Removed members are listed last, and only when asked for.
  events::v1::ListMembersResponse list;
  ASSERT_TRUE(stub_->ListMembers(Call(org_key_).get(), {}, &list).ok());
  ASSERT_EQ(list.members_size(), 1);
  events::v1::ListMembersRequest all;
  all.set_include_removed(true);
  ASSERT_TRUE(stub_->ListMembers(Call(org_key_).get(), all, &list).ok());
  ASSERT_EQ(list.members_size(), 2);
  EXPECT_EQ(list.members(1).member_id(), amira.member_id());

  // The address is free again: the person can be invited anew.
  events::v1::Member back = Invite("Amira Khan", "amira@example.org", {MEMBER_ROLE_VIEWER});
  EXPECT_NE(back.member_id(), amira.member_id());
}

TEST_F(PeopleTest, AnotherOrganisationsMembersAreNotFound) {
  events::v1::Member amira = Invite("Amira Khan", "amira@example.org", {MEMBER_ROLE_ORGANISER});
  auto other = auth::BootstrapOrganisation(*admin_key_store_, ids_, clock_, "Hillside Group");
  ASSERT_TRUE(other.ok());
  events::v1::GetMemberRequest get;
  get.set_member_id(amira.member_id());
  events::v1::Member got;
  EXPECT_EQ(stub_->GetMember(Call(other->key.plaintext).get(), get, &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  events::v1::RemoveMemberRequest remove;
  remove.set_member_id(amira.member_id());
  EXPECT_EQ(stub_->RemoveMember(Call(other->key.plaintext).get(), remove, &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  events::v1::ListMembersResponse list;
  ASSERT_TRUE(stub_->ListMembers(Call(other->key.plaintext).get(), {}, &list).ok());
  EXPECT_EQ(list.members_size(), 0);
  get.set_member_id("mem_nope");
  grpc::Status bad = stub_->GetMember(Call(org_key_).get(), get, &got);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad.error_message(), HasSubstr("member_id"));
}

TEST_F(PeopleTest, TheAuditLogNamesWhoDidWhatToWhom) {
  events::v1::Member amira = Invite("Amira Khan", "amira@example.org", {MEMBER_ROLE_ORGANISER});
  events::v1::SignInSession session = SignIn(amira);
  events::v1::Member sam =
      Invite("Sam Patel", "sam@example.org", {MEMBER_ROLE_VIEWER}, session.session_token());
  EXPECT_EQ(sam.invited_by_name(), "Amira Khan");
  events::v1::ChangeMemberRolesRequest change;
  change.set_member_id(sam.member_id());
  change.add_roles(MEMBER_ROLE_ORGANISER);
  events::v1::Member changed;
  ASSERT_TRUE(stub_->ChangeMemberRoles(Call(session.session_token()).get(), change, &changed).ok());

  std::vector<events::v1::PeopleAuditEntry> audit = Audit();
  ASSERT_EQ(audit.size(), 4u);  // newest first
  EXPECT_EQ(audit[0].action(), "roles_changed");
  EXPECT_EQ(audit[0].at_unix_ms(), clock_.NowUnixMs());
  EXPECT_EQ(audit[0].actor_name(), "Amira Khan");
  EXPECT_EQ(audit[0].member_name(), "Sam Patel");
  EXPECT_EQ(audit[0].detail(), "roles: viewer -> organiser");
  EXPECT_EQ(audit[1].action(), "member_invited");
  EXPECT_EQ(audit[1].actor_id(), amira.member_id());
  EXPECT_EQ(audit[1].member_name(), "Sam Patel");
  EXPECT_EQ(audit[2].action(), "signed_in");
  EXPECT_EQ(audit[2].actor_name(), "Amira Khan");
  EXPECT_EQ(audit[3].action(), "member_invited");
  EXPECT_EQ(audit[3].actor_name(), "bootstrap key");
  EXPECT_EQ(audit[3].detail(), "roles: organiser");

  // Pages of the log.
  events::v1::ListPeopleAuditRequest req;
  req.mutable_page()->set_page_size(3);
  events::v1::ListPeopleAuditResponse page;
  ASSERT_TRUE(stub_->ListPeopleAudit(Call(org_key_).get(), req, &page).ok());
  EXPECT_EQ(page.entries_size(), 3);
  req.mutable_page()->set_page_token(page.next_page_token());
  ASSERT_TRUE(stub_->ListPeopleAudit(Call(org_key_).get(), req, &page).ok());
  ASSERT_EQ(page.entries_size(), 1);
  EXPECT_EQ(page.next_page_token(), "");
}

}  // namespace
}  // namespace events::people::testing
