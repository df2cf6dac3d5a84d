#include "common/auth/grpc_auth.h"

#include <grpcpp/server_context.h>
#include <grpcpp/test/server_context_test_spouse.h>

#include <string>
#include <vector>

#include "common/auth/authenticator.h"
#include "common/auth/key_store.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace events::auth {
namespace {

using ::testing::HasSubstr;

class AuthenticateOrganiserTest : public ::testing::Test {
 protected:
  // A server context whose client sent "authorization: Bearer <key>" (none for "").
  struct Call {
    grpc::ServerContext context;
    grpc::testing::ServerContextTestSpouse spouse{&context};
  };

  std::string Key(std::vector<Role> roles, std::vector<std::string> scopes = {}) {
    auto issued = IssueKey(store_, ids_, clock_, "org_1", std::move(roles), std::move(scopes), "k");
    EXPECT_TRUE(issued.ok()) << issued.status();
    return issued.ok() ? issued->plaintext : "";
  }

  absl::StatusOr<Caller> As(const std::string& key, absl::string_view scope = {}) {
    Call call;
    if (!key.empty()) call.spouse.AddClientMetadata("authorization", "Bearer " + key);
    return AuthenticateOrganiser(auth_, call.context, scope);
  }

  FakeClock clock_{1'780'000'000'000};
  IdGenerator ids_{clock_};
  FakeKeyStore store_;
  Authenticator auth_{store_};
};

TEST_F(AuthenticateOrganiserTest, OrganisersPassForWritesAndReads) {
  const std::string key = Key({Role::kOrganiser});
  auto write = As(key);
  ASSERT_TRUE(write.ok()) << write.status();
  EXPECT_EQ(write->org_id, "org_1");
  EXPECT_TRUE(As(key, "registrations:read").ok());
}

TEST_F(AuthenticateOrganiserTest, MissingOrUnknownKeysAreUnauthenticated) {
  EXPECT_EQ(As("").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(As("evk_doesnotexist").status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(AuthenticateOrganiserTest, WritesNeedTheOrganiserRole) {
  auto coordinator = As(Key({Role::kAccessCoordinator}));
  EXPECT_EQ(coordinator.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(coordinator.status().message(), "this call needs a key with the organiser role");
  // An integration key is no organiser, whatever its scopes.
  EXPECT_EQ(As(Key({Role::kIntegration}, {"feedback:read"})).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(AuthenticateOrganiserTest, ReadsAlsoTakeAnIntegrationKeyWithTheScope) {
  auto reader = As(Key({Role::kIntegration}, {"feedback:read"}), "feedback:read");
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ(reader->org_id, "org_1");
  auto other = As(Key({Role::kIntegration}, {"contacts:read"}), "feedback:read");
  EXPECT_EQ(other.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(other.status().message(), HasSubstr("integration key with the feedback:read scope"));
}

}  // namespace
}  // namespace events::auth
