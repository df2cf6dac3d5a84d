// Who may call what, over real gRPC: every RPC of scheduling, registration and integrations
// is called with integration keys of every scope, taken from the services' descriptors so a
// new RPC cannot be missed. An integration key gets exactly what its scopes allow; every
// other call refuses it with PERMISSION_DENIED naming what is needed. Also: integration keys
// made, listed and revoked through IntegrationsService, and webhook URLs refused.
#include <google/protobuf/descriptor.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>

#include <future>
#include <map>
#include <set>

#include "common/auth/authenticator.h"
#include "common/auth/key_store.h"
#include "common/server/service_runner.h"
#include "common/testing/redis_for_test.h"
#include "events/v1/integrations.grpc.pb.h"
#include "events/v1/registration.grpc.pb.h"
#include "events/v1/scheduling.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/integrations/domain/integrations.h"
#include "services/integrations/server/integrations_service.h"
#include "services/integrations/store/redis_integrations_store.h"
#include "services/integrations/webhooks/secret_box.h"
#include "services/registration/server/registration_service.h"
#include "services/scheduling/domain/scheduler.h"
#include "services/scheduling/server/scheduling_metrics.h"
#include "services/scheduling/server/scheduling_service.h"
#include "services/scheduling/store/redis_event_store.h"
#include "tests/integrations/integrations_test_support.h"
#include "tests/registration/registration_test_support.h"

namespace events::integrations {
namespace {

using ::testing::HasSubstr;

// Calls anyone may make without a key (attendees, the public calendar).
const std::set<std::string>& PublicCalls() {
  static const auto* const kPublic = new std::set<std::string>{
      "events.v1.SchedulingService.GetEvent",
      "events.v1.SchedulingService.ListUpcomingEvents",
      "events.v1.SchedulingService.GetSeries",
      "events.v1.SchedulingService.GetEventCalendar",
      "events.v1.SchedulingService.GetSeriesCalendar",
      "events.v1.RegistrationService.Register",
      "events.v1.RegistrationService.ResendLink",
      "events.v1.RegistrationService.GetRegistrationForm",
      "events.v1.RegistrationService.GetAvailability",
      "events.v1.RegistrationService.GetMyRegistration",
      "events.v1.RegistrationService.UpdateMyRegistration",
      "events.v1.RegistrationService.CancelMyRegistration",
  };
  return *kPublic;
}

// The scope that lets an integration key make each call; calls not listed (and not public)
// are for organisers (or the platform's services) only.
const std::map<std::string, std::string>& ScopeOf() {
  static const auto* const kScopeOf = new std::map<std::string, std::string>{
      {"events.v1.SchedulingService.ListOrganisationEvents", "events:read"},
      {"events.v1.RegistrationService.ListRegistrations", "registrations:read"},
      {"events.v1.RegistrationService.GetRegistration", "registrations:read"},
      {"events.v1.RegistrationService.GetCapacity", "registrations:read"},
      {"events.v1.RegistrationService.ExportRegistrations", "registrations:read"},
      {"events.v1.IntegrationsService.CreateWebhook", "webhooks:manage"},
      {"events.v1.IntegrationsService.ListWebhooks", "webhooks:manage"},
      {"events.v1.IntegrationsService.UpdateWebhook", "webhooks:manage"},
      {"events.v1.IntegrationsService.RotateWebhookSecret", "webhooks:manage"},
      {"events.v1.IntegrationsService.DeleteWebhook", "webhooks:manage"},
      {"events.v1.IntegrationsService.TestWebhook", "webhooks:manage"},
      {"events.v1.IntegrationsService.ListDeliveries", "webhooks:manage"},
      {"events.v1.IntegrationsService.ListDeadLetters", "webhooks:manage"},
      {"events.v1.IntegrationsService.ReplayDeadLetters", "webhooks:manage"},
      {"events.v1.IntegrationsService.ListContacts", "contacts:read"},
      {"events.v1.IntegrationsService.ExportContacts", "contacts:read"},
      {"events.v1.IntegrationsService.Unsubscribe", "contacts:write"},
  };
  return *kScopeOf;
}

class ScopesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto options = events::testing::TestRedisOptions();
    ASSERT_FALSE(HasFailure());
    redis_ = std::make_unique<redis::RedisClient>(options);
    keys_ = std::make_unique<bus::Keyspace>(events::testing::UniqueKeyPrefix(), 4);
    key_store_ = std::make_unique<auth::RedisKeyStore>(*redis_, *keys_);
    auth_ = std::make_unique<auth::Authenticator>(*key_store_);
    registry_ = std::make_shared<prometheus::Registry>();

    event_store_ = std::make_unique<scheduling::RedisEventStore>(
        *redis_, *keys_, scheduling::RedisEventStore::Options{});
    scheduler_ = std::make_unique<scheduling::Scheduler>(*event_store_, clock_, ids_);
    scheduling_metrics_ = std::make_unique<scheduling::SchedulingMetrics>(*registry_);
    scheduling_ = std::make_unique<scheduling::SchedulingServiceImpl>(*scheduler_, *auth_,
                                                                      *scheduling_metrics_);

    reg_store_ = std::make_unique<registration::RedisRegistrationStore>(
        *redis_, *keys_, registration::RedisRegistrationStore::Options{});
    registrar_ = std::make_unique<registration::Registrar>(*reg_store_, directory_, clock_, ids_,
                                                           registration::RegistrarOptions{});
    reg_metrics_ = std::make_unique<registration::RegistrationMetrics>(*registry_);
    registration_ = std::make_unique<registration::RegistrationServiceImpl>(*registrar_, *auth_,
                                                                            *reg_metrics_, 1);

    int_store_ = std::make_unique<RedisIntegrationsStore>(*redis_, *keys_,
                                                          RedisIntegrationsStore::Options{});
    box_ = std::make_unique<SecretBox>(std::string(32, 's'));
    integrations_domain_ = std::make_unique<Integrations>(
        *int_store_, *key_store_, registrations_, *box_, *keys_, clock_, ids_, UrlPolicy{},
        [](const events::v1::DomainEvent&) { return absl::OkStatus(); });
    integrations_ = std::make_unique<IntegrationsServiceImpl>(*integrations_domain_, *auth_);

    server::ServerOptions server_options;
    server_options.service_name = "scopes";
    server_options.listen_host = "127.0.0.1";
    runner_ = std::make_unique<server::ServiceRunner>(server_options, registry_);
    runner_->AddService(scheduling_.get());
    runner_->AddService(registration_.get());
    runner_->AddService(integrations_.get());
    auto port = runner_->Start();
    ASSERT_TRUE(port.ok()) << port.status();
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(*port),
                                   grpc::InsecureChannelCredentials());
    stub_ = events::v1::IntegrationsService::NewStub(channel_);

    auto boot = auth::BootstrapOrganisation(*key_store_, ids_, clock_, "Riverside Forum");
    ASSERT_TRUE(boot.ok());
    org_ = boot->org.id;
    organiser_ = boot->key.plaintext;
  }
  void TearDown() override {
    stub_.reset();
    channel_.reset();
    if (runner_) runner_->Shutdown();
  }

  std::unique_ptr<grpc::ClientContext> Call(const std::string& key) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (!key.empty()) ctx->AddMetadata("authorization", "Bearer " + key);
    return ctx;
  }

  // An integration key made through the API, as an organiser would.
  std::string IntegrationKey(const std::vector<std::string>& scopes) {
    events::v1::CreateApiKeyRequest req;
    req.set_name("test integration");
    for (const auto& s : scopes) req.add_scopes(s);
    events::v1::CreateApiKeyResponse resp;
    grpc::Status s = stub_->CreateApiKey(Call(organiser_).get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.api_key();
  }

  // Any method, by its full name, with an empty request.
  grpc::Status CallMethod(const std::string& full_name, const std::string& key) {
    grpc::GenericStub generic(channel_);
    const size_t dot = full_name.rfind('.');
    const std::string path = "/" + full_name.substr(0, dot) + "/" + full_name.substr(dot + 1);
    auto ctx = Call(key);
    grpc::Slice empty;
    grpc::ByteBuffer request(&empty, 1);
    grpc::ByteBuffer response;
    std::promise<grpc::Status> done;
    generic.UnaryCall(ctx.get(), path, grpc::StubOptions(), &request, &response,
                      [&done](grpc::Status s) { done.set_value(std::move(s)); });
    return done.get_future().get();
  }

  static std::vector<std::string> Methods() {
    std::vector<std::string> out;
    for (const char* name : {"events.v1.SchedulingService", "events.v1.RegistrationService",
                             "events.v1.IntegrationsService"}) {
      const google::protobuf::ServiceDescriptor* service =
          google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
      if (service == nullptr) continue;
      for (int i = 0; i < service->method_count(); ++i) {
        out.push_back(service->method(i)->full_name());
      }
    }
    return out;
  }

  SystemClock clock_;
  IdGenerator ids_{clock_};
  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<bus::Keyspace> keys_;
  std::unique_ptr<auth::RedisKeyStore> key_store_;
  std::unique_ptr<auth::Authenticator> auth_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<scheduling::RedisEventStore> event_store_;
  std::unique_ptr<scheduling::Scheduler> scheduler_;
  std::unique_ptr<scheduling::SchedulingMetrics> scheduling_metrics_;
  std::unique_ptr<scheduling::SchedulingServiceImpl> scheduling_;
  registration::testing::FakeEventDirectory directory_;
  std::unique_ptr<registration::RedisRegistrationStore> reg_store_;
  std::unique_ptr<registration::Registrar> registrar_;
  std::unique_ptr<registration::RegistrationMetrics> reg_metrics_;
  std::unique_ptr<registration::RegistrationServiceImpl> registration_;
  testing::FakeRegistrations registrations_;
  std::unique_ptr<RedisIntegrationsStore> int_store_;
  std::unique_ptr<SecretBox> box_;
  std::unique_ptr<Integrations> integrations_domain_;
  std::unique_ptr<IntegrationsServiceImpl> integrations_;
  std::unique_ptr<server::ServiceRunner> runner_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<events::v1::IntegrationsService::Stub> stub_;
  std::string org_, organiser_;
};

TEST_F(ScopesTest, EveryRpcGivesAnIntegrationKeyExactlyWhatItsScopesAllow) {
  const std::string none = IntegrationKey({"feedback:read"});
  const std::string all = IntegrationKey(KnownScopes());
  std::map<std::string, std::string> by_scope;
  for (const std::string& scope : KnownScopes()) by_scope[scope] = IntegrationKey({scope});
  const std::vector<std::string> methods = Methods();
  ASSERT_GT(methods.size(), 40u);
  for (const std::string& method : methods) {
    SCOPED_TRACE(method);
    if (PublicCalls().count(method) > 0) continue;
    auto scope = ScopeOf().find(method);
    // Without the scope (or with every scope, for organiser-only calls): refused, naming what
    // is needed.
    grpc::Status refused = CallMethod(method, scope == ScopeOf().end() ? all : none);
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED) << refused.error_message();
    if (scope == ScopeOf().end()) {
      EXPECT_THAT(refused.error_message(), HasSubstr("role"));
      continue;
    }
    EXPECT_THAT(refused.error_message(), HasSubstr(scope->second));
    // With exactly that scope: past the door (the empty request may still be invalid).
    grpc::Status allowed = CallMethod(method, by_scope[scope->second]);
    EXPECT_NE(allowed.error_code(), grpc::StatusCode::PERMISSION_DENIED) << allowed.error_message();
    EXPECT_NE(allowed.error_code(), grpc::StatusCode::UNAUTHENTICATED) << allowed.error_message();
    // Without any key: unauthenticated.
    EXPECT_EQ(CallMethod(method, "").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
}

TEST_F(ScopesTest, KeysAreMadeListedAndRevokedByOrganisersOnly) {
  events::v1::CreateApiKeyRequest req;
  req.set_name("Mailchimp");
  req.add_scopes("contacts:read");
  req.add_scopes("webhooks:manage");
  events::v1::CreateApiKeyResponse made;
  ASSERT_TRUE(stub_->CreateApiKey(Call(organiser_).get(), req, &made).ok());
  EXPECT_THAT(made.api_key(), ::testing::StartsWith("evk_"));
  // The key works at once, with its scopes.
  events::v1::ListWebhooksResponse hooks;
  EXPECT_TRUE(stub_->ListWebhooks(Call(made.api_key()).get(), {}, &hooks).ok());
  // An integration key cannot make keys, even with every scope.
  events::v1::CreateApiKeyResponse escalated;
  EXPECT_EQ(stub_->CreateApiKey(Call(made.api_key()).get(), req, &escalated).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Listed without the key itself.
  events::v1::ListApiKeysResponse listed;
  ASSERT_TRUE(stub_->ListApiKeys(Call(organiser_).get(), {}, &listed).ok());
  ASSERT_EQ(listed.keys_size(), 1);
  EXPECT_EQ(listed.keys(0).key_id(), made.key().key_id());
  EXPECT_EQ(listed.keys(0).name(), "Mailchimp");
  EXPECT_THAT(listed.keys(0).DebugString(), ::testing::Not(HasSubstr("evk_")));
  // Another organisation cannot revoke it.
  auto other = auth::BootstrapOrganisation(*key_store_, ids_, clock_, "Elsewhere");
  events::v1::RevokeApiKeyRequest revoke;
  revoke.set_key_id(made.key().key_id());
  events::v1::ApiKey revoked;
  EXPECT_EQ(stub_->RevokeApiKey(Call(other->key.plaintext).get(), revoke, &revoked).error_code(),
            grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(stub_->RevokeApiKey(Call(organiser_).get(), revoke, &revoked).ok());
  EXPECT_TRUE(revoked.revoked());
  grpc::Status after = stub_->ListWebhooks(Call(made.api_key()).get(), {}, &hooks);
  EXPECT_EQ(after.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(after.error_message(), HasSubstr("revoked"));
  // Bad scopes and names are refused, naming the field.
  events::v1::CreateApiKeyRequest bad;
  bad.set_name("x");
  bad.add_scopes("everything");
  grpc::Status s = stub_->CreateApiKey(Call(organiser_).get(), bad, &made);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("scopes"));
  bad.clear_scopes();
  bad.add_scopes("events:read");
  bad.set_name("");
  EXPECT_THAT(stub_->CreateApiKey(Call(organiser_).get(), bad, &made).error_message(),
              HasSubstr("name"));
}

TEST_F(ScopesTest, WebhookUrlsMustBePublicHttps) {
  events::v1::CreateWebhookRequest req;
  req.add_event_types("registration.*");
  events::v1::WebhookWithSecret made;
  for (const std::string url :
       {"http://hooks.example.org/in", "https://10.0.0.5/in", "https://192.168.1.20/in",
        "https://127.0.0.1/in", "http://127.0.0.1:8080/in", "https://localhost/in",
        "https://[fd00::1]/in", "https://169.254.169.254/latest", "ftp://example.org/",
        "https://user:pw@example.org/"}) {
    req.set_url(url);
    grpc::Status s = stub_->CreateWebhook(Call(organiser_).get(), req, &made);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << url;
    EXPECT_THAT(s.error_message(), HasSubstr("url")) << url;
  }
  req.set_url("https://hooks.example.org/in");
  ASSERT_TRUE(stub_->CreateWebhook(Call(organiser_).get(), req, &made).ok());
  EXPECT_THAT(made.secret(), ::testing::StartsWith("whsec_"));
  EXPECT_TRUE(made.webhook().enabled());
  // The secret is not listed.
  events::v1::ListWebhooksResponse listed;
  ASSERT_TRUE(stub_->ListWebhooks(Call(organiser_).get(), {}, &listed).ok());
  ASSERT_EQ(listed.webhooks_size(), 1);
  EXPECT_THAT(listed.DebugString(), ::testing::Not(HasSubstr("whsec_")));
  // Disable and enable.
  events::v1::UpdateWebhookRequest update;
  update.set_webhook_id(made.webhook().id());
  update.set_update_enabled(true);
  update.set_enabled(false);
  events::v1::Webhook updated;
  ASSERT_TRUE(stub_->UpdateWebhook(Call(organiser_).get(), update, &updated).ok());
  EXPECT_FALSE(updated.enabled());
  update.set_enabled(true);
  ASSERT_TRUE(stub_->UpdateWebhook(Call(organiser_).get(), update, &updated).ok());
  EXPECT_TRUE(updated.enabled());
  req.clear_event_types();
  req.add_event_types("Registration.Created");
  grpc::Status s = stub_->CreateWebhook(Call(organiser_).get(), req, &made);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("event_types"));
}

}  // namespace
}  // namespace events::integrations
