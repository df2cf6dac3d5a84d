// Signing in: the same answer for members and strangers, rate limits, and the link's rules
// (once, in time, in the browser that asked, for a member not removed), with a race.
#include <atomic>
#include <thread>

#include "gmock/gmock.h"
#include "tests/people/people_test_support.h"

namespace events::people::testing {
namespace {

using events::v1::MEMBER_ROLE_ORGANISER;
using events::v1::MEMBER_ROLE_VIEWER;
using ::testing::HasSubstr;

TEST_F(PeopleTest, ASignInRequestAnswersTheSameForMembersAndStrangers) {
  events::v1::Member amira = Invite("Amira Khan", "amira@example.org", {MEMBER_ROLE_ORGANISER});
  events::v1::RequestSignInResponse member_answer;
  events::v1::RequestSignInResponse stranger_answer;
  ASSERT_TRUE(RequestSignIn("Amira@Example.org", NewBrowser(), &member_answer).ok());
  ASSERT_TRUE(RequestSignIn("nobody@example.org", NewBrowser(), &stranger_answer).ok());
  EXPECT_EQ(member_answer.SerializeAsString(), stranger_answer.SerializeAsString());
  EXPECT_EQ(member_answer.link_minutes(), 15);
  // Only the member got a link.
  ASSERT_EQ(SignInEvents(amira.member_id()).size(), 1u);
  EXPECT_EQ(SignInEvents(amira.member_id())[0].org_id(), org_);

  grpc::Status bad = RequestSignIn("amira@example.org", "short");
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(bad.error_message(), HasSubstr("browser_secret"));
}

TEST_F(PeopleTest, EveryMembershipOfAnAddressGetsALinkButRemovedOnesDoNot) {
  events::v1::Member here = Invite("Amira Khan", "amira@example.org", {MEMBER_ROLE_VIEWER});
  auto other = auth::BootstrapOrganisation(*admin_key_store_, ids_, clock_, "Hillside Group");
  ASSERT_TRUE(other.ok());
  events::v1::Member there =
      Invite("Amira K", "amira@example.org", {MEMBER_ROLE_ORGANISER}, other->key.plaintext);
  ASSERT_TRUE(RequestSignIn("amira@example.org", NewBrowser()).ok());
  EXPECT_EQ(SignInEvents(here.member_id()).size(), 1u);
  EXPECT_EQ(SignInEvents(there.member_id()).size(), 1u);

  events::v1::RemoveMemberRequest remove;
  remove.set_member_id(here.member_id());
  events::v1::Member removed;
  ASSERT_TRUE(stub_->RemoveMember(Call(org_key_).get(), remove, &removed).ok());
  ASSERT_TRUE(RequestSignIn("amira@example.org", NewBrowser()).ok());
  EXPECT_EQ(SignInEvents(here.member_id()).size(), 1u);
  EXPECT_EQ(SignInEvents(there.member_id()).size(), 2u);
}

TEST_F(PeopleTest, TooManyRequestsForOneAddressAreRefusedAlikeForMembersAndStrangers) {
  Invite("Amira Khan", "amira@example.org", {MEMBER_ROLE_ORGANISER});
  for (const std::string email : {"amira@example.org", "nobody@example.org"}) {
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(RequestSignIn(email, NewBrowser()).ok()) << i;
    grpc::Status sixth = RequestSignIn(email, NewBrowser());
    EXPECT_EQ(sixth.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << email;
    EXPECT_THAT(sixth.error_message(), HasSubstr("too many sign-in requests"));
  }
}

TEST_F(PeopleTest, TooManyRequestsFromOneVisitorAreRefused) {
  // 10 + 20 requests so far from this test's address (127.0.0.1): the 31st is refused.
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(RequestSignIn("person" + std::to_string(i) + "@example.org", NewBrowser()).ok())
        << i;
  }
  EXPECT_EQ(RequestSignIn("another@example.org", NewBrowser()).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  // The window passes (Redis's own expiry of the counter).
  ASSERT_TRUE(
      redis_->Command({"DEL", auth::PeopleKey(*keys_, "rl:visitor:" + Sha256Hex("127.0.0.1"))})
          .ok());
  EXPECT_TRUE(RequestSignIn("another@example.org", NewBrowser()).ok());
}

TEST_F(PeopleTest, ALinkWorksOnceInTimeAndOnlyInTheBrowserThatAsked) {
  events::v1::Member amira = Invite("Amira Khan", "amira@example.org", {MEMBER_ROLE_ORGANISER});
  const std::string browser = NewBrowser();
  ASSERT_TRUE(RequestSignIn(amira.email(), browser).ok());
  const std::string token = LatestLinkToken(amira.member_id());

  events::v1::SignInSession session;
  grpc::Status other = Complete(token, NewBrowser(), &session);
  EXPECT_EQ(other.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(other.error_message(), HasSubstr("only in the browser where you asked"));

  ASSERT_TRUE(Complete(token, browser, &session).ok());
  EXPECT_TRUE(absl::StartsWith(session.session_token(), "evs_"));
  EXPECT_FALSE(session.second_factor_needed());
  EXPECT_EQ(session.member().member_id(), amira.member_id());
  EXPECT_EQ(session.member().status(), events::v1::MEMBER_STATUS_ACTIVE);
  EXPECT_EQ(session.member().last_sign_in_unix_ms(), clock_.NowUnixMs());
  EXPECT_EQ(session.org_name(), "Riverside Carers Forum");
  EXPECT_EQ(session.idle_minutes(), 30);
  EXPECT_EQ(session.expires_unix_ms(), clock_.NowUnixMs() + int64_t{12} * 60 * kMinute);

  grpc::Status twice = Complete(token, browser, &session);
  EXPECT_EQ(twice.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(twice.error_message(), HasSubstr("used already"));
  // Nothing to send for a used link.
  events::v1::IssueSignInLinkRequest issue;
  issue.set_link_id(SignInEvents(amira.member_id()).back().link_id());
  events::v1::SignInLink link;
  EXPECT_EQ(stub_->IssueSignInLink(Call(service_key_).get(), issue, &link).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  // A new link, opened after its 15 minutes.
  ASSERT_TRUE(RequestSignIn(amira.email(), browser).ok());
  const std::string late = LatestLinkToken(amira.member_id());
  clock_.Advance(15 * kMinute);
  grpc::Status expired = Complete(late, browser, &session);
  EXPECT_EQ(expired.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(expired.error_message(), HasSubstr("expired"));

  grpc::Status garbage = Complete("sil_nonsense.abc", browser, &session);
  EXPECT_EQ(garbage.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(garbage.error_message(), HasSubstr("link_token"));

  std::vector<events::v1::PeopleAuditEntry> audit = Audit();
  std::vector<std::string> refusals;
  for (const auto& e : audit) {
    if (e.action() == "sign_in_refused") refusals.push_back(e.detail());
  }
  EXPECT_THAT(refusals, ::testing::ElementsAre(HasSubstr("expired"), HasSubstr("used already"),
                                               HasSubstr("another browser")));
}

TEST_F(PeopleTest, ARemovedMembersLinkNoLongerWorks) {
  Invite("Ben Ode", "ben@example.org", {MEMBER_ROLE_ORGANISER});
  events::v1::Member amira = Invite("Amira Khan", "amira@example.org", {MEMBER_ROLE_ORGANISER});
  const std::string browser = NewBrowser();
  ASSERT_TRUE(RequestSignIn(amira.email(), browser).ok());
  const std::string token = LatestLinkToken(amira.member_id());
  events::v1::RemoveMemberRequest remove;
  remove.set_member_id(amira.member_id());
  events::v1::Member removed;
  ASSERT_TRUE(stub_->RemoveMember(Call(org_key_).get(), remove, &removed).ok());
  events::v1::SignInSession session;
  grpc::Status s = Complete(token, browser, &session);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr("no longer a member"));
}

// The domain is called straight from the threads: the test server's own limit on calls at
// once (RESOURCE_EXHAUSTED) would otherwise queue them up.
TEST_F(PeopleTest, TwentyBrowsersRacingWithOneLinkMakeExactlyOneSession) {
  events::v1::Member amira = Invite("Amira Khan", "amira@example.org", {MEMBER_ROLE_ORGANISER});
  const std::string browser = NewBrowser();
  ASSERT_TRUE(RequestSignIn(amira.email(), browser).ok());
  events::v1::CompleteSignInRequest req;
  req.set_link_token(LatestLinkToken(amira.member_id()));
  req.set_browser_secret(browser);
  std::atomic<int> ok{0};
  std::atomic<int> used{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  threads.reserve(20);
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&] {
      while (!go.load()) std::this_thread::yield();
      absl::StatusOr<events::v1::SignInSession> s = people_->CompleteSignIn(req);
      if (s.ok()) ++ok;
      if (absl::IsFailedPrecondition(s.status()) &&
          absl::StrContains(s.status().message(), "used already")) {
        ++used;
      }
    });
  }
  go.store(true);
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(used.load(), 19);
  auto sessions =
      redis_->Command({"SCARD", auth::MemberKey(*keys_, amira.member_id()) + ":sessions"});
  ASSERT_TRUE(sessions.ok());
  EXPECT_EQ(redis::AsInt(**sessions), 1);
}

}  // namespace
}  // namespace events::people::testing
