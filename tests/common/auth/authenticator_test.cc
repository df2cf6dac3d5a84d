#include "common/auth/authenticator.h"

#include "absl/strings/str_cat.h"
#include "common/auth/key_store.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace events::auth {
namespace {

using ::testing::HasSubstr;

class AuthenticatorTest : public ::testing::Test {
 protected:
  FakeClock clock_{1'780'000'000'000};
  IdGenerator ids_{clock_};
  FakeKeyStore store_;
  Authenticator auth_{store_};
};

TEST_F(AuthenticatorTest, BootstrapKeyAuthenticatesAsOrganiserOfItsOrganisation) {
  auto boot = BootstrapOrganisation(store_, ids_, clock_, "  Riverside Carers Forum ");
  ASSERT_TRUE(boot.ok()) << boot.status();
  EXPECT_EQ(boot->org.name, "Riverside Carers Forum");
  auto caller = auth_.Authenticate("Bearer " + boot->key.plaintext);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->org_id, boot->org.id);
  EXPECT_TRUE(caller->HasRole(Role::kOrganiser));
  EXPECT_TRUE(caller->HasRole(Role::kAccessCoordinator));
  EXPECT_FALSE(caller->HasRole(Role::kService));
  // The scheme is case-insensitive, as HTTP says.
  EXPECT_TRUE(auth_.Authenticate("bearer " + boot->key.plaintext).ok());
}

TEST_F(AuthenticatorTest, StoresOnlyTheHashOfTheKey) {
  auto boot = BootstrapOrganisation(store_, ids_, clock_, "Org");
  ASSERT_TRUE(boot.ok());
  EXPECT_FALSE(store_.FindByHash(boot->key.plaintext).ok());
  EXPECT_TRUE(store_.FindByHash(Sha256Hex(boot->key.plaintext)).ok());
}

TEST_F(AuthenticatorTest, RefusesMissingMalformedUnknownAndRevokedKeys) {
  auto missing = auth_.Authenticate(std::nullopt);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(missing.status().message(), HasSubstr("authorization: Bearer"));
  EXPECT_EQ(auth_.Authenticate("").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(auth_.Authenticate("Basic abc").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(auth_.Authenticate("Bearer abc").status().message(), HasSubstr("malformed"));
  EXPECT_THAT(auth_.Authenticate("Bearer evk_doesnotexist").status().message(),
              HasSubstr("not known"));

  auto issued = IssueKey(store_, ids_, clock_, "org_x", {Role::kOrganiser}, {}, "old");
  ASSERT_TRUE(issued.ok());
  ApiKeyRecord revoked = issued->record;
  revoked.revoked = true;
  ASSERT_TRUE(store_.PutKey(Sha256Hex(issued->plaintext), revoked).ok());
  EXPECT_THAT(auth_.Authenticate("Bearer " + issued->plaintext).status().message(),
              HasSubstr("revoked"));
}

TEST_F(AuthenticatorTest, RolesAndScopesAreEnforced) {
  Caller integration{"org_1", "key_1", {Role::kIntegration}, {"events:read"}, "Mailer", ""};
  EXPECT_TRUE(RequireAnyRole(integration, {Role::kOrganiser}, "events:read").ok());
  absl::Status denied = RequireAnyRole(integration, {Role::kOrganiser}, "events:write");
  EXPECT_EQ(denied.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(denied.message(), HasSubstr("organiser role"));
  EXPECT_THAT(denied.message(), HasSubstr("events:write scope"));
  EXPECT_EQ(RequireRole(integration, Role::kOrganiser).code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(AuthenticatorTest, BootstrapValidatesTheName) {
  EXPECT_EQ(BootstrapOrganisation(store_, ids_, clock_, "   ").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(BootstrapOrganisation(store_, ids_, clock_, std::string(201, 'a')).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(AuthenticatorTest, AnApiKeyIsNamedByItsNameAndIsNoPerson) {
  auto issued = IssueKey(store_, ids_, clock_, "org_x", {Role::kOrganiser}, {}, "Mailchimp sync");
  ASSERT_TRUE(issued.ok());
  auto caller = auth_.Authenticate("Bearer " + issued->plaintext);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->actor_name, "Mailchimp sync");
  EXPECT_EQ(caller->member_id, "");
}

// A session token of "evs_" and 43 base64url characters, and its record in the fake store.
std::string PutSession(FakeKeyStore& store, const SessionRecord& session) {
  std::string token = absl::StrCat(kSessionPrefix, std::string(43, 'a'));
  token[10] = static_cast<char>('a' + session.roles.size() % 26);
  store.PutSession(Sha256Hex(token), session);
  return token;
}

TEST_F(AuthenticatorTest, ASessionAuthenticatesAsThePersonWithTheirRoles) {
  SessionRecord session{"mem_1", "org_1", "Amira Khan", "organiser", "active", false, false};
  const std::string token = PutSession(store_, session);
  auto caller = auth_.Authenticate("Bearer " + token);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->org_id, "org_1");
  EXPECT_EQ(caller->member_id, "mem_1");
  EXPECT_EQ(caller->key_id, "mem_1");
  EXPECT_EQ(caller->actor_name, "Amira Khan");
  EXPECT_EQ(caller->roles, std::vector<Role>{Role::kOrganiser});
}

TEST_F(AuthenticatorTest, AccessCoordinatorRoleCountsOnlyAfterASecondFactor) {
  SessionRecord without{"mem_1",  "org_1", "Sam", "organiser,access_coordinator",
                        "active", false,   false};
  Caller caller = CallerOfSession(without);
  EXPECT_TRUE(caller.HasRole(Role::kOrganiser));
  EXPECT_FALSE(caller.HasRole(Role::kAccessCoordinator));
  SessionRecord with = without;
  with.second_factor = true;
  EXPECT_TRUE(CallerOfSession(with).HasRole(Role::kAccessCoordinator));
}

TEST_F(AuthenticatorTest, AViewerReadsWithItsScopesAndChangesNothing) {
  Caller viewer = CallerOfSession({"mem_2", "org_1", "Jo", "viewer", "active", false, false});
  EXPECT_EQ(viewer.roles, std::vector<Role>{Role::kViewer});
  for (const char* scope :
       {"events:read", "registrations:read", "feedback:read", "accessibility:counts"}) {
    EXPECT_TRUE(RequireAnyRole(viewer, {Role::kOrganiser}, scope).ok()) << scope;
  }
  EXPECT_EQ(RequireAnyRole(viewer, {Role::kOrganiser}).code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(RequireAnyRole(viewer, {Role::kOrganiser}, "contacts:read").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(RequireAnyRole(viewer, {Role::kOrganiser}, "webhooks:manage").code(),
            absl::StatusCode::kPermissionDenied);
  // Unknown role names (a newer version's) grant nothing.
  EXPECT_TRUE(CallerOfSession({"m", "o", "X", "owner", "active", true, false}).roles.empty());
}

TEST_F(AuthenticatorTest, EndedMalformedAndPendingSessionsAreRefusedSayingWhatToDo) {
  auto ended = auth_.Authenticate("Bearer evs_" + std::string(43, 'z'));
  EXPECT_EQ(ended.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ended.status().message(), kSessionEndedMessage);
  auto malformed = auth_.Authenticate("Bearer evs_short");
  EXPECT_EQ(malformed.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(malformed.status().message(), HasSubstr("malformed"));
  const std::string token =
      PutSession(store_, {"mem_1", "org_1", "Sam", "organiser", "active", false, true});
  auto pending = auth_.Authenticate("Bearer " + token);
  EXPECT_EQ(pending.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(pending.status().message(), kSecondFactorNeededMessage);
}

TEST(RoleTest, ParsesEveryRoleNameAndRefusesOthers) {
  for (Role r : {Role::kOrganiser, Role::kAccessCoordinator, Role::kIntegration, Role::kService,
                 Role::kViewer}) {
    auto parsed = ParseRole(RoleName(r));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, r);
  }
  EXPECT_EQ(ParseRole("admin").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace events::auth
