// Sessions on another service (scheduling, through the shared Authenticator): what each
// role may do, idle and absolute expiry, removal, signing out here and everywhere.
#include "gmock/gmock.h"
#include "tests/people/people_test_support.h"

namespace events::people::testing {
namespace {

using events::v1::MEMBER_ROLE_ACCESS_COORDINATOR;
using events::v1::MEMBER_ROLE_ORGANISER;
using events::v1::MEMBER_ROLE_VIEWER;
using ::testing::HasSubstr;

TEST_F(PeopleTest, AViewerReadsOnOtherServicesAndIsRefusedEveryChange) {
  events::v1::Member jo = Invite("Jo Viewer", "jo@example.org", {MEMBER_ROLE_VIEWER});
  const std::string viewer = SignIn(jo).session_token();
  EXPECT_TRUE(ListEvents(viewer).ok());
  grpc::Status write = CreateEmptyEvent(viewer);
  EXPECT_EQ(write.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(write.error_message(), HasSubstr("organiser"));
  // On people too: reading members yes (without addresses), inviting no.
  events::v1::ListMembersResponse list;
  ASSERT_TRUE(stub_->ListMembers(Call(viewer).get(), {}, &list).ok());
  ASSERT_EQ(list.members_size(), 1);
  EXPECT_EQ(list.members(0).email(), "jo@example.org");  // their own
  events::v1::Member amira = Invite("Amira Khan", "amira@example.org", {MEMBER_ROLE_ORGANISER});
  events::v1::GetMemberRequest get;
  get.set_member_id(amira.member_id());
  events::v1::Member got;
  ASSERT_TRUE(stub_->GetMember(Call(viewer).get(), get, &got).ok());
  EXPECT_EQ(got.email(), "");
  events::v1::InviteMemberRequest invite;
  invite.set_name("X");
  invite.set_email("x@example.org");
  invite.add_roles(MEMBER_ROLE_VIEWER);
  EXPECT_EQ(stub_->InviteMember(Call(viewer).get(), invite, &got).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  events::v1::ListPeopleAuditResponse audit;
  EXPECT_EQ(stub_->ListPeopleAudit(Call(viewer).get(), {}, &audit).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // An organiser's session may write (the empty request then fails on its details).
  const std::string organiser = SignIn(amira).session_token();
  EXPECT_EQ(CreateEmptyEvent(organiser).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(PeopleTest, ACoordinatorWithoutASecondFactorHasNoCoordinatorRole) {
  events::v1::Member sam = Invite("Sam Patel", "sam@example.org", {MEMBER_ROLE_ACCESS_COORDINATOR});
  const std::string token = SignIn(sam).session_token();
  auto caller = auth_->Authenticate("Bearer " + token);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_TRUE(caller->roles.empty());
  EXPECT_EQ(caller->actor_name, "Sam Patel");
  EXPECT_EQ(ListEvents(token).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // Still a member: they may read the list and set up their app.
  events::v1::ListMembersResponse list;
  EXPECT_TRUE(stub_->ListMembers(Call(token).get(), {}, &list).ok());
  SetUpApp(token);
  caller = auth_->Authenticate("Bearer " + token);
  ASSERT_TRUE(caller.ok());
  EXPECT_TRUE(caller->HasRole(auth::Role::kAccessCoordinator));
}

TEST_F(PeopleTest, AnUnusedSessionEndsAfterItsIdleTime) {
  events::v1::Member amira = Invite("Amira Khan", "amira@example.org", {MEMBER_ROLE_ORGANISER});
  const std::string token = SignIn(amira).session_token();
  clock_.Advance(29 * kMinute);
  EXPECT_TRUE(ListEvents(token).ok());  // used: the idle time starts again
  clock_.Advance(29 * kMinute);
  EXPECT_TRUE(ListEvents(token).ok());
  clock_.Advance(30 * kMinute);
  grpc::Status ended = ListEvents(token);
  EXPECT_EQ(ended.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(ended.error_message(), auth::kSessionEndedMessage);
  // The ended session is refused, not deleted, by the other services; people forgets it at
  // the member's next sign-in.
  EXPECT_EQ(Exists(auth::SessionKey(*keys_, Sha256Hex(token))), 1);
  EXPECT_TRUE(IsMember(amira.member_id(), Sha256Hex(token)));
  const std::string other = SignIn(amira).session_token();
  EXPECT_EQ(Exists(auth::SessionKey(*keys_, Sha256Hex(token))), 0);
  EXPECT_EQ(Exists(auth::SeenKey(*keys_, Sha256Hex(token))), 0);
  EXPECT_FALSE(IsMember(amira.member_id(), Sha256Hex(token)));
  EXPECT_TRUE(IsMember(amira.member_id(), Sha256Hex(other)));
  // And Redis's own expiry: the record, which only people writes, lives to the session's
  // absolute end; its last use, the seen key every service writes, to the idle time.
  EXPECT_GT(Ttl(auth::SessionKey(*keys_, Sha256Hex(other))), int64_t{11} * 60 * kMinute);
  EXPECT_EQ(Ttl(auth::SeenKey(*keys_, Sha256Hex(other))), -2);  // none before its first use
  ASSERT_TRUE(ListEvents(other).ok());
  EXPECT_GT(Ttl(auth::SeenKey(*keys_, Sha256Hex(other))), 0);
  EXPECT_LE(Ttl(auth::SeenKey(*keys_, Sha256Hex(other))), 30 * kMinute);
}

TEST_F(PeopleTest, ASessionInUseEndsAtItsAbsoluteTime) {
  events::v1::Member amira = Invite("Amira Khan", "amira@example.org", {MEMBER_ROLE_ORGANISER});
  events::v1::SignInSession session = SignIn(amira);
  while (clock_.NowUnixMs() + 20 * kMinute < session.expires_unix_ms()) {
    clock_.Advance(20 * kMinute);
    ASSERT_TRUE(ListEvents(session.session_token()).ok());
  }
  clock_.Set(session.expires_unix_ms());
  EXPECT_EQ(ListEvents(session.session_token()).error_message(), auth::kSessionEndedMessage);
}

TEST_F(PeopleTest, RemovingAMemberEndsTheirSessionsAtOnce) {
  Invite("Ben Ode", "ben@example.org", {MEMBER_ROLE_ORGANISER});
  events::v1::Member amira = Invite("Amira Khan", "amira@example.org", {MEMBER_ROLE_ORGANISER});
  const std::string laptop = SignIn(amira).session_token();
  const std::string phone = SignIn(amira).session_token();
  ASSERT_TRUE(ListEvents(laptop).ok());
  ASSERT_TRUE(ListEvents(phone).ok());
  events::v1::RemoveMemberRequest remove;
  remove.set_member_id(amira.member_id());
  events::v1::Member removed;
  ASSERT_TRUE(stub_->RemoveMember(Call(org_key_).get(), remove, &removed).ok());
  EXPECT_EQ(ListEvents(laptop).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(ListEvents(phone).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Audit()[0].detail(), "sessions ended: 2");
  for (const std::string& token : {laptop, phone}) {
    EXPECT_EQ(Exists(auth::SessionKey(*keys_, Sha256Hex(token))), 0);
    EXPECT_EQ(Exists(auth::SeenKey(*keys_, Sha256Hex(token))), 0);
  }
}

TEST_F(PeopleTest, RemovalCountsOnlyTheSessionsStillOpen) {
  Invite("Ben Ode", "ben@example.org", {MEMBER_ROLE_ORGANISER});
  events::v1::Member amira = Invite("Amira Khan", "amira@example.org", {MEMBER_ROLE_ORGANISER});
  const std::string old = SignIn(amira).session_token();
  clock_.Advance(20 * kMinute);
  const std::string fresh = SignIn(amira).session_token();  // `old` is still open here
  ASSERT_TRUE(ListEvents(fresh).ok());
  clock_.Advance(15 * kMinute);  // `old` idles out; its record stays until its end
  ASSERT_TRUE(IsMember(amira.member_id(), Sha256Hex(old)));
  events::v1::RemoveMemberRequest remove;
  remove.set_member_id(amira.member_id());
  events::v1::Member removed;
  ASSERT_TRUE(stub_->RemoveMember(Call(org_key_).get(), remove, &removed).ok());
  EXPECT_EQ(Audit()[0].detail(), "sessions ended: 1");
  EXPECT_EQ(Exists(auth::SeenKey(*keys_, Sha256Hex(fresh))), 0);
}

TEST_F(PeopleTest, SigningOutEndsThisSessionOrEverySession) {
  events::v1::Member amira = Invite("Amira Khan", "amira@example.org", {MEMBER_ROLE_ORGANISER});
  const std::string one = SignIn(amira).session_token();
  const std::string two = SignIn(amira).session_token();
  const std::string three = SignIn(amira).session_token();
  events::v1::SignOutRequest here;
  events::v1::SignOutResponse out;
  ASSERT_TRUE(ListEvents(one).ok());  // used: it has a seen key
  ASSERT_EQ(Exists(auth::SeenKey(*keys_, Sha256Hex(one))), 1);
  ASSERT_TRUE(stub_->SignOut(Call(one).get(), here, &out).ok());
  EXPECT_EQ(out.sessions_ended(), 1);
  EXPECT_EQ(Exists(auth::SessionKey(*keys_, Sha256Hex(one))), 0);
  EXPECT_EQ(Exists(auth::SeenKey(*keys_, Sha256Hex(one))), 0);
  EXPECT_EQ(ListEvents(one).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(ListEvents(two).ok());
  // Signing out of an ended session is already done.
  ASSERT_TRUE(stub_->SignOut(Call(one).get(), here, &out).ok());
  EXPECT_EQ(out.sessions_ended(), 0);

  events::v1::SignOutRequest everywhere;
  everywhere.set_everywhere(true);
  ASSERT_TRUE(stub_->SignOut(Call(two).get(), everywhere, &out).ok());
  EXPECT_EQ(out.sessions_ended(), 2);
  EXPECT_EQ(Exists(auth::SeenKey(*keys_, Sha256Hex(two))), 0);
  EXPECT_EQ(ListEvents(two).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(ListEvents(three).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  std::vector<events::v1::PeopleAuditEntry> audit = Audit();
  EXPECT_EQ(audit[0].action(), "signed_out_everywhere");
  EXPECT_EQ(audit[0].actor_name(), "Amira Khan");
  EXPECT_EQ(audit[1].action(), "signed_out");
  // Signing out of a session that idled out is done too (0 ended), and deletes what is left.
  const std::string idle = SignIn(amira).session_token();
  clock_.Advance(30 * kMinute);
  ASSERT_TRUE(stub_->SignOut(Call(idle).get(), here, &out).ok());
  EXPECT_EQ(out.sessions_ended(), 0);
  EXPECT_EQ(Exists(auth::SessionKey(*keys_, Sha256Hex(idle))), 0);
  EXPECT_FALSE(IsMember(amira.member_id(), Sha256Hex(idle)));
  // Without a session, the call says what it needs.
  EXPECT_EQ(stub_->SignOut(Call(org_key_).get(), here, &out).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(PeopleTest, ServiceCallsNeedTheServiceRole) {
  events::v1::Member amira = Invite("Amira Khan", "amira@example.org", {MEMBER_ROLE_ORGANISER});
  events::v1::DescribeMemberRequest describe;
  describe.set_member_id(amira.member_id());
  events::v1::MemberForMail mail;
  EXPECT_EQ(stub_->DescribeMember(Call(org_key_).get(), describe, &mail).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(stub_->DescribeMember(Call(service_key_).get(), describe, &mail).ok());
  EXPECT_EQ(mail.member().email(), "amira@example.org");
  EXPECT_EQ(mail.org_name(), "Riverside Carers Forum");

  events::v1::ListMembersForMailRequest list;
  list.set_org_id(org_);
  list.set_role(MEMBER_ROLE_ORGANISER);
  events::v1::ListMembersForMailResponse members;
  ASSERT_TRUE(stub_->ListMembersForMail(Call(service_key_).get(), list, &members).ok());
  EXPECT_EQ(members.members_size(), 0);  // invited, not active yet
  SignIn(amira);
  ASSERT_TRUE(stub_->ListMembersForMail(Call(service_key_).get(), list, &members).ok());
  ASSERT_EQ(members.members_size(), 1);
  EXPECT_EQ(members.members(0).email(), "amira@example.org");
}

}  // namespace
}  // namespace events::people::testing
