// The second factor: setting up an app (codes computed here with liboath), signing in with
// a code or a recovery code, each working once, and wrong codes ending the session.
#include "gmock/gmock.h"
#include "tests/people/people_test_support.h"

namespace events::people::testing {
namespace {

using events::v1::MEMBER_ROLE_ACCESS_COORDINATOR;
using events::v1::MEMBER_ROLE_ORGANISER;
using ::testing::HasSubstr;

class SecondFactorTest : public PeopleTest {
 protected:
  void SetUp() override {
    PeopleTest::SetUp();
    if (HasFatalFailure()) return;
    coordinator_ = Invite("Amira Khan", "amira@example.org",
                          {MEMBER_ROLE_ORGANISER, MEMBER_ROLE_ACCESS_COORDINATOR});
  }
  bool IsCoordinator(const std::string& token) {
    auto caller = auth_->Authenticate("Bearer " + token);
    return caller.ok() && caller->HasRole(auth::Role::kAccessCoordinator);
  }
  events::v1::Member coordinator_;
};

TEST_F(SecondFactorTest, SettingUpAnAppGivesRecoveryCodesAndTheAccessCoordinatorRole) {
  events::v1::SignInSession session = SignIn(coordinator_);
  const std::string& token = session.session_token();
  EXPECT_FALSE(IsCoordinator(token));  // no second factor given yet
  auto caller = auth_->Authenticate("Bearer " + token);
  ASSERT_TRUE(caller.ok());
  EXPECT_TRUE(caller->HasRole(auth::Role::kOrganiser));

  events::v1::SecondFactorSetup setup;
  ASSERT_TRUE(stub_->StartSecondFactorSetup(Call(token).get(), {}, &setup).ok());
  EXPECT_EQ(setup.secret_base32().size(), 32u + 7u);  // 20 bytes in groups of four
  EXPECT_THAT(setup.otpauth_uri(), HasSubstr("otpauth://totp/"));
  EXPECT_THAT(setup.otpauth_uri(), HasSubstr("amira%40example.org"));

  events::v1::ConfirmSecondFactorRequest confirm;
  const std::string code = AppCode(setup.secret_base32());
  confirm.set_code(code == "000000" ? "111111" : "000000");  // surely wrong... or the next
  events::v1::RecoveryCodes codes;
  if (confirm.code() != code) {
    grpc::Status wrong = stub_->ConfirmSecondFactor(Call(token).get(), confirm, &codes);
    EXPECT_EQ(wrong.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(wrong.error_message(), HasSubstr("code"));
  }
  confirm.set_code(code);
  ASSERT_TRUE(stub_->ConfirmSecondFactor(Call(token).get(), confirm, &codes).ok());
  EXPECT_EQ(codes.codes_size(), 10);
  EXPECT_TRUE(IsCoordinator(token));

  events::v1::Me me;
  ASSERT_TRUE(stub_->GetMe(Call(token).get(), {}, &me).ok());
  EXPECT_TRUE(me.second_factor_given());
  EXPECT_TRUE(me.member().second_factor());
  EXPECT_EQ(me.member().recovery_codes_left(), 10);
  EXPECT_EQ(me.org_name(), "Riverside Carers Forum");

  // The code that set the app up does not renew recovery codes: each code works once.
  events::v1::RenewRecoveryCodesRequest renew;
  renew.set_code(code);
  grpc::Status reused = stub_->RenewRecoveryCodes(Call(token).get(), renew, &codes);
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  clock_.Advance(30'000);
  renew.set_code(AppCode(setup.secret_base32()));
  events::v1::RecoveryCodes renewed;
  ASSERT_TRUE(stub_->RenewRecoveryCodes(Call(token).get(), renew, &renewed).ok());
  EXPECT_EQ(renewed.codes_size(), 10);
  EXPECT_NE(renewed.codes(0), codes.codes(0));
}

TEST_F(SecondFactorTest, TheNextSignInNeedsACodeAndRotatesTheToken) {
  const std::string secret = SetUpApp(SignIn(coordinator_).session_token());
  events::v1::SignInSession pending = SignIn(coordinator_);
  EXPECT_TRUE(pending.second_factor_needed());
  auto refused = auth_->Authenticate("Bearer " + pending.session_token());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(refused.status().message(), auth::kSecondFactorNeededMessage);
  EXPECT_EQ(ListEvents(pending.session_token()).error_code(), grpc::StatusCode::UNAUTHENTICATED);

  const std::string code = AppCode(secret);
  events::v1::SignInSession done;
  ASSERT_TRUE(Verify(pending.session_token(), code, "", &done).ok());
  EXPECT_FALSE(done.second_factor_needed());
  EXPECT_NE(done.session_token(), pending.session_token());
  EXPECT_TRUE(IsCoordinator(done.session_token()));
  EXPECT_TRUE(ListEvents(done.session_token()).ok());
  // The old token stopped working.
  EXPECT_EQ(auth_->Authenticate("Bearer " + pending.session_token()).status().message(),
            auth::kSessionEndedMessage);

  // The same code in another sign-in, in the same 30 seconds: refused (each code once).
  events::v1::SignInSession again = SignIn(coordinator_);
  grpc::Status reused = Verify(again.session_token(), code, "", &done);
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(reused.error_message(), HasSubstr("4 tries left"));
}

// A pending session idles out from its sign-in (asking for the code is no use of it), by the
// same rule as every service's session read: its record stays until its absolute end, but
// people refuses it as the Authenticator does.
TEST_F(SecondFactorTest, TheCodeMustComeWithinTheIdleTime) {
  const std::string secret = SetUpApp(SignIn(coordinator_).session_token());
  events::v1::SignInSession pending = SignIn(coordinator_);
  clock_.Advance(29 * kMinute);
  EXPECT_EQ(auth_->Authenticate("Bearer " + pending.session_token()).status().message(),
            auth::kSecondFactorNeededMessage);
  clock_.Advance(kMinute);
  events::v1::SignInSession done;
  grpc::Status late = Verify(pending.session_token(), AppCode(secret), "", &done);
  EXPECT_EQ(late.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(late.error_message(), HasSubstr("session has ended"));
  // A session that idled out after its code is refused too, not told it needs no code.
  events::v1::SignInSession again = SignIn(coordinator_);
  clock_.Advance(30'000);  // the next time step: the code above was used
  ASSERT_TRUE(Verify(again.session_token(), AppCode(secret), "", &done).ok());
  const std::string signed_in = done.session_token();
  clock_.Advance(30 * kMinute);
  grpc::Status idle = Verify(signed_in, "123456", "", &done);
  EXPECT_EQ(idle.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(SecondFactorTest, FiveWrongCodesEndTheSession) {
  const std::string secret = SetUpApp(SignIn(coordinator_).session_token());
  events::v1::SignInSession pending = SignIn(coordinator_);
  const std::string right = AppCode(secret);
  const std::string wrong = right == "123456" ? "654321" : "123456";
  events::v1::SignInSession done;
  for (int i = 1; i <= 4; ++i) {
    grpc::Status s = Verify(pending.session_token(), wrong, "", &done);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << i;
  }
  grpc::Status fifth = Verify(pending.session_token(), wrong, "", &done);
  EXPECT_EQ(fifth.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(fifth.error_message(), HasSubstr("too many wrong codes"));
  // Even the right code is too late now.
  grpc::Status late = Verify(pending.session_token(), right, "", &done);
  EXPECT_EQ(late.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(late.error_message(), HasSubstr("session has ended"));
  // A code that is not six digits is bad input, not a wrong try.
  events::v1::SignInSession fresh = SignIn(coordinator_);
  EXPECT_EQ(Verify(fresh.session_token(), "12ab", "", &done).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(Verify(fresh.session_token(), right, "", &done).ok());

  int refused = 0;
  for (const auto& e : Audit()) refused += e.action() == "second_factor_refused" ? 1 : 0;
  EXPECT_EQ(refused, 5);
}

TEST_F(SecondFactorTest, ARecoveryCodeWorksOnce) {
  std::vector<std::string> codes;
  SetUpApp(SignIn(coordinator_).session_token(), &codes);
  ASSERT_EQ(codes.size(), 10u);
  events::v1::SignInSession done;
  events::v1::SignInSession first = SignIn(coordinator_);
  std::string typed = codes[3];
  typed[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(typed[0])));
  ASSERT_TRUE(Verify(first.session_token(), "", typed, &done).ok());
  EXPECT_TRUE(IsCoordinator(done.session_token()));

  events::v1::SignInSession second = SignIn(coordinator_);
  grpc::Status again = Verify(second.session_token(), "", codes[3], &done);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(again.error_message(), HasSubstr("recovery_code"));
  ASSERT_TRUE(Verify(second.session_token(), "", codes[4], &done).ok());

  events::v1::Me me;
  ASSERT_TRUE(stub_->GetMe(Call(done.session_token()).get(), {}, &me).ok());
  EXPECT_EQ(me.member().recovery_codes_left(), 8);
  std::vector<events::v1::PeopleAuditEntry> audit = Audit();
  ASSERT_GE(audit.size(), 2u);
  EXPECT_EQ(audit[0].action(), "signed_in");
  EXPECT_EQ(audit[0].detail(), "with a recovery code");
  EXPECT_EQ(audit[1].action(), "recovery_code_used");
  EXPECT_EQ(audit[1].detail(), "8 recovery codes left");
}

TEST_F(SecondFactorTest, AnOrganiserResetsALostAppAndTheMembersSessionsEnd) {
  const std::string token = SignIn(coordinator_).session_token();
  SetUpApp(token);
  ASSERT_TRUE(auth_->Authenticate("Bearer " + token).ok());
  events::v1::ResetSecondFactorRequest reset;
  reset.set_member_id(coordinator_.member_id());
  events::v1::Member member;
  ASSERT_TRUE(stub_->ResetSecondFactor(Call(org_key_).get(), reset, &member).ok());
  EXPECT_FALSE(member.second_factor());
  EXPECT_EQ(auth_->Authenticate("Bearer " + token).status().message(), auth::kSessionEndedMessage);
  events::v1::SignInSession next = SignIn(coordinator_);
  EXPECT_FALSE(next.second_factor_needed());
  EXPECT_FALSE(IsCoordinator(next.session_token()));
}

}  // namespace
}  // namespace events::people::testing
