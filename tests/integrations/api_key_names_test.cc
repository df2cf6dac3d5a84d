// Integration keys name who made and who revoked them, over real gRPC and a real Redis: a
// signed-in person (a session, as the people service writes it) by their name, an organiser
// key by the key's name (Caller::actor_name). The console shows these names; a key id is not
// a name (issue 18).
#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>

#include "common/auth/authenticator.h"
#include "common/auth/key_store.h"
#include "common/auth/people_keys.h"
#include "common/server/service_runner.h"
#include "common/testing/redis_for_test.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "events/v1/integrations.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/integrations/domain/integrations.h"
#include "services/integrations/server/integrations_service.h"
#include "services/integrations/store/redis_integrations_store.h"
#include "services/integrations/webhooks/secret_box.h"
#include "tests/integrations/integrations_test_support.h"

namespace events::integrations {
namespace {

constexpr int64_t kStart = 1'790'000'000'000;

class ApiKeyNamesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_ = std::make_unique<redis::RedisClient>(events::testing::TestRedisOptions());
    ASSERT_FALSE(HasFailure());
    keys_ = std::make_unique<bus::Keyspace>(events::testing::UniqueKeyPrefix(), 4);
    key_store_ = std::make_unique<auth::RedisKeyStore>(*redis_, *keys_);
    auth_ = std::make_unique<auth::Authenticator>(*key_store_, clock_);
    store_ = std::make_unique<RedisIntegrationsStore>(*redis_, *keys_,
                                                      RedisIntegrationsStore::Options{});
    box_ = std::make_unique<SecretBox>(std::string(32, 's'));
    domain_ = std::make_unique<Integrations>(
        *store_, *key_store_, registrations_, *box_, *keys_, clock_, ids_, UrlPolicy{},
        [](const events::v1::DomainEvent&) { return absl::OkStatus(); });
    service_ = std::make_unique<IntegrationsServiceImpl>(*domain_, *auth_);
    server::ServerOptions options;
    options.service_name = "api-key-names";
    options.listen_host = "127.0.0.1";
    runner_ =
        std::make_unique<server::ServiceRunner>(options, std::make_shared<prometheus::Registry>());
    runner_->AddService(service_.get());
    auto port = runner_->Start();
    ASSERT_TRUE(port.ok()) << port.status();
    stub_ = events::v1::IntegrationsService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(*port), grpc::InsecureChannelCredentials()));

    auto boot = auth::BootstrapOrganisation(*key_store_, ids_, clock_, "Riverside Forum");
    ASSERT_TRUE(boot.ok()) << boot.status();
    org_ = boot->org.id;
    org_key_ = boot->key.plaintext;
    org_key_name_ = boot->key.record.name;
    ian_ = SignIn("mem_ian", "Ian Integrations", "organiser");
    vic_ = SignIn("mem_vic", "Vic Viewer", "viewer");
  }
  void TearDown() override {
    stub_.reset();
    if (runner_) runner_->Shutdown();
  }

  // A session of a member of the organisation, written as the people service writes it.
  std::string SignIn(const std::string& member_id, const std::string& name,
                     const std::string& roles) {
    std::string token = "evs_" + std::string(43, member_id.back() == 'n' ? 'N' : 'V');
    const int64_t now = clock_.NowUnixMs();
    EXPECT_TRUE(redis_
                    ->Command({"HSET", auth::MemberKey(*keys_, member_id), "org_id", org_, "name",
                               name, "roles", roles, "status", "active"})
                    .ok());
    EXPECT_TRUE(
        redis_
            ->Command({"HSET", auth::SessionKey(*keys_, Sha256Hex(token)), "member_id", member_id,
                       "org_id", org_, "created_ms", std::to_string(now), "expires_ms",
                       std::to_string(now + 3'600'000), "idle_ms", "1800000", "seen_ms",
                       std::to_string(now), "second_factor", "0", "pending", "0"})
            .ok());
    return token;
  }

  std::unique_ptr<grpc::ClientContext> As(const std::string& bearer) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    ctx->AddMetadata("authorization", "Bearer " + bearer);
    return ctx;
  }

  events::v1::CreateApiKeyResponse Create(const std::string& bearer, const std::string& name) {
    events::v1::CreateApiKeyRequest req;
    req.set_name(name);
    req.add_scopes("events:read");
    events::v1::CreateApiKeyResponse made;
    const grpc::Status s = stub_->CreateApiKey(As(bearer).get(), req, &made);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return made;
  }

  grpc::Status Revoke(const std::string& bearer, const std::string& key_id,
                      events::v1::ApiKey* out) {
    events::v1::RevokeApiKeyRequest req;
    req.set_key_id(key_id);
    return stub_->RevokeApiKey(As(bearer).get(), req, out);
  }

  events::v1::ApiKey Listed(const std::string& key_id) {
    events::v1::ListApiKeysResponse listed;
    const grpc::Status s = stub_->ListApiKeys(As(org_key_).get(), {}, &listed);
    EXPECT_TRUE(s.ok()) << s.error_message();
    for (const auto& k : listed.keys()) {
      if (k.key_id() == key_id) return k;
    }
    ADD_FAILURE() << key_id << " is not listed";
    return {};
  }

  FakeClock clock_{kStart};
  IdGenerator ids_{clock_};
  testing::FakeRegistrations registrations_;
  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<bus::Keyspace> keys_;
  std::unique_ptr<auth::RedisKeyStore> key_store_;
  std::unique_ptr<auth::Authenticator> auth_;
  std::unique_ptr<RedisIntegrationsStore> store_;
  std::unique_ptr<SecretBox> box_;
  std::unique_ptr<Integrations> domain_;
  std::unique_ptr<IntegrationsServiceImpl> service_;
  std::unique_ptr<server::ServiceRunner> runner_;
  std::unique_ptr<events::v1::IntegrationsService::Stub> stub_;
  std::string org_, org_key_, org_key_name_, ian_, vic_;
};

TEST_F(ApiKeyNamesTest, AKeyMadeAndRevokedByAPersonNamesThemWithTheTime) {
  const events::v1::CreateApiKeyResponse made = Create(ian_, "Mailchimp sync");
  EXPECT_EQ(made.key().created_by_name(), "Ian Integrations");
  EXPECT_EQ(made.key().created_unix_ms(), kStart);
  EXPECT_FALSE(made.key().revoked());
  EXPECT_EQ(made.key().revoked_unix_ms(), 0);
  EXPECT_EQ(made.key().revoked_by_name(), "");
  // Kept in Redis: the list (read by someone else) names Ian too.
  EXPECT_EQ(Listed(made.key().key_id()).created_by_name(), "Ian Integrations");

  clock_.Advance(90'000);
  events::v1::ApiKey revoked;
  ASSERT_TRUE(Revoke(ian_, made.key().key_id(), &revoked).ok());
  EXPECT_TRUE(revoked.revoked());
  EXPECT_EQ(revoked.revoked_unix_ms(), kStart + 90'000);
  EXPECT_EQ(revoked.revoked_by_name(), "Ian Integrations");
  const events::v1::ApiKey listed = Listed(made.key().key_id());
  EXPECT_TRUE(listed.revoked());
  EXPECT_EQ(listed.revoked_unix_ms(), kStart + 90'000);
  EXPECT_EQ(listed.revoked_by_name(), "Ian Integrations");
  EXPECT_EQ(listed.created_by_name(), "Ian Integrations");
}

TEST_F(ApiKeyNamesTest, AKeyMadeWithAnOrganiserKeyNamesThatKey) {
  ASSERT_FALSE(org_key_name_.empty());
  const events::v1::CreateApiKeyResponse made = Create(org_key_, "Nightly export");
  EXPECT_EQ(made.key().created_by_name(), org_key_name_);
  events::v1::ApiKey revoked;
  ASSERT_TRUE(Revoke(org_key_, made.key().key_id(), &revoked).ok());
  EXPECT_EQ(revoked.revoked_by_name(), org_key_name_);
}

TEST_F(ApiKeyNamesTest, RevokingAgainKeepsTheFirstRevocation) {
  const events::v1::CreateApiKeyResponse made = Create(org_key_, "Brevo");
  events::v1::ApiKey first;
  ASSERT_TRUE(Revoke(ian_, made.key().key_id(), &first).ok());
  clock_.Advance(60'000);
  events::v1::ApiKey second;
  ASSERT_TRUE(Revoke(org_key_, made.key().key_id(), &second).ok());
  EXPECT_EQ(second.revoked_by_name(), "Ian Integrations");
  EXPECT_EQ(second.revoked_unix_ms(), kStart);
  EXPECT_EQ(Listed(made.key().key_id()).revoked_by_name(), "Ian Integrations");
  // And the key stays refused.
  events::v1::ListWebhooksResponse hooks;
  EXPECT_EQ(stub_->ListWebhooks(As(made.api_key()).get(), {}, &hooks).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(ApiKeyNamesTest, AViewerCanNeitherMakeNorRevokeKeys) {
  const events::v1::CreateApiKeyResponse made = Create(ian_, "Survey export");
  events::v1::CreateApiKeyRequest req;
  req.set_name("Viewer's own");
  req.add_scopes("events:read");
  events::v1::CreateApiKeyResponse refused;
  EXPECT_EQ(stub_->CreateApiKey(As(vic_).get(), req, &refused).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  events::v1::ApiKey out;
  EXPECT_EQ(Revoke(vic_, made.key().key_id(), &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  const events::v1::ApiKey listed = Listed(made.key().key_id());
  EXPECT_FALSE(listed.revoked());
  EXPECT_EQ(listed.revoked_by_name(), "");
}

}  // namespace
}  // namespace events::integrations
