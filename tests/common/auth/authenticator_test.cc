#include "common/auth/authenticator.h"

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
  Caller integration{"org_1", "key_1", {Role::kIntegration}, {"events:read"}};
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

TEST(RoleTest, ParsesEveryRoleNameAndRefusesOthers) {
  for (Role r : {Role::kOrganiser, Role::kAccessCoordinator, Role::kIntegration, Role::kService}) {
    auto parsed = ParseRole(RoleName(r));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, r);
  }
  EXPECT_EQ(ParseRole("admin").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace events::auth
