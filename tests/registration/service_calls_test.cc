// The calls only the platform's own services make (integrations' contact sync), over real
// gRPC on a real Redis: LookupRegistration and WithdrawMarketingConsent.
#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>

#include "common/auth/authenticator.h"
#include "common/auth/key_store.h"
#include "common/bus/event_bus.h"
#include "common/server/service_runner.h"
#include "events/v1/registration.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/registration/server/registration_service.h"
#include "tests/registration/registration_test_support.h"

namespace events::registration {
namespace {

using events::v1::RegistrationService;
using ::testing::HasSubstr;

class ServiceCallsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto options = events::testing::TestRedisOptions();
    ASSERT_FALSE(HasFailure());
    redis_ = std::make_unique<redis::RedisClient>(options);
    keys_ = std::make_unique<bus::Keyspace>(events::testing::UniqueKeyPrefix(), 4);
    key_store_ = std::make_unique<auth::RedisKeyStore>(*redis_, *keys_);
    auth_ = std::make_unique<auth::Authenticator>(*key_store_);
    store_ = std::make_unique<RedisRegistrationStore>(*redis_, *keys_,
                                                      RedisRegistrationStore::Options{});
    RegistrarOptions options_r;
    options_r.limit_per_address_per_minute = 0;
    options_r.limit_per_event_per_second = 0;
    registrar_ = std::make_unique<Registrar>(*store_, directory_, clock_, ids_, options_r);
    registry_ = std::make_shared<prometheus::Registry>();
    metrics_ = std::make_unique<RegistrationMetrics>(*registry_);
    service_ = std::make_unique<RegistrationServiceImpl>(*registrar_, *auth_, *metrics_);
    server::ServerOptions server_options;
    server_options.listen_host = "127.0.0.1";
    runner_ = std::make_unique<server::ServiceRunner>(server_options, registry_);
    runner_->AddService(service_.get());
    auto port = runner_->Start();
    ASSERT_TRUE(port.ok()) << port.status();
    stub_ = RegistrationService::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(*port),
                                                             grpc::InsecureChannelCredentials()));
    auto boot = auth::BootstrapOrganisation(*key_store_, ids_, clock_, "Riverside Forum");
    ASSERT_TRUE(boot.ok());
    organiser_ = boot->key.plaintext;
    auto service =
        auth::IssueKey(*key_store_, ids_, clock_, "", {auth::Role::kService}, {}, "integrations");
    ASSERT_TRUE(service.ok());
    service_key_ = service->plaintext;
    event_ = ids_.New("ev");
    directory_.Put(testing::OpenEvent(event_, 10, boot->org.id));
  }
  void TearDown() override {
    stub_.reset();
    if (runner_) runner_->Shutdown();
  }
  std::unique_ptr<grpc::ClientContext> Call(const std::string& key) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (!key.empty()) ctx->AddMetadata("authorization", "Bearer " + key);
    return ctx;
  }

  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<bus::Keyspace> keys_;
  std::unique_ptr<auth::RedisKeyStore> key_store_;
  std::unique_ptr<auth::Authenticator> auth_;
  std::unique_ptr<RedisRegistrationStore> store_;
  testing::FakeEventDirectory directory_;
  FakeClock clock_{testing::kNow};
  IdGenerator ids_{clock_};
  std::unique_ptr<Registrar> registrar_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<RegistrationMetrics> metrics_;
  std::unique_ptr<RegistrationServiceImpl> service_;
  std::unique_ptr<server::ServiceRunner> runner_;
  std::unique_ptr<RegistrationService::Stub> stub_;
  std::string organiser_, service_key_, event_;
};

TEST_F(ServiceCallsTest, TheServiceRoleLooksUpAndWithdrawsConsent) {
  auto person = testing::Person(event_, 1);
  person.set_marketing_opt_in(true);
  person.set_organisation("Analytical Engines Ltd");
  events::v1::RegisterResponse registered;
  ASSERT_TRUE(stub_->Register(Call("").get(), person, &registered).ok());
  const std::string id = registered.registration().id();

  events::v1::LookupRegistrationRequest lookup;
  lookup.set_registration_id(id);
  events::v1::Registration seen;
  // Organisers and anonymous callers may not; the service role may.
  EXPECT_EQ(stub_->LookupRegistration(Call(organiser_).get(), lookup, &seen).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(stub_->LookupRegistration(Call("").get(), lookup, &seen).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_TRUE(stub_->LookupRegistration(Call(service_key_).get(), lookup, &seen).ok());
  EXPECT_EQ(seen.email(), "person1@example.org");
  EXPECT_EQ(seen.name(), "Person 1");
  EXPECT_TRUE(seen.marketing_opt_in());
  EXPECT_EQ(seen.event_id(), event_);
  EXPECT_EQ(seen.status(), registered.registration().status());
  // Only what contact sync needs: no answers, organisation or join link.
  EXPECT_TRUE(seen.organisation().empty());
  EXPECT_TRUE(seen.join_link().empty());
  EXPECT_EQ(seen.answers_size(), 0);

  events::v1::WithdrawMarketingConsentRequest withdraw;
  withdraw.set_registration_id(id);
  events::v1::Registration after;
  EXPECT_EQ(stub_->WithdrawMarketingConsent(Call(organiser_).get(), withdraw, &after).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(stub_->WithdrawMarketingConsent(Call(service_key_).get(), withdraw, &after).ok());
  EXPECT_FALSE(after.marketing_opt_in());
  EXPECT_GT(after.version(), seen.version());
  EXPECT_TRUE(after.organisation().empty());
  // Again: nothing to change.
  ASSERT_TRUE(stub_->WithdrawMarketingConsent(Call(service_key_).get(), withdraw, &after).ok());
  EXPECT_FALSE(after.marketing_opt_in());

  // The change went out as registration.updated with marketing_opt_in false, once.
  auto entries = redis_->Command({"XRANGE", keys_->Stream(keys_->PartitionOf(event_)), "-", "+"});
  ASSERT_TRUE(entries.ok());
  int updated = 0;
  for (size_t i = 0; i < redis::ArraySize(**entries); ++i) {
    const auto& entry = redis::ArrayAt(**entries, i);
    std::vector<std::pair<std::string, std::string>> fields;
    const auto& kv = redis::ArrayAt(entry, 1);
    for (size_t j = 0; j + 1 < redis::ArraySize(kv); j += 2) {
      fields.emplace_back(redis::AsString(redis::ArrayAt(kv, j)),
                          redis::AsString(redis::ArrayAt(kv, j + 1)));
    }
    auto event = bus::FromStreamFields(fields);
    ASSERT_TRUE(event.ok());
    if (event->type() != "registration.updated") continue;
    events::v1::RegistrationChanged change;
    ASSERT_TRUE(change.ParseFromString(event->data()));
    EXPECT_FALSE(change.marketing_opt_in());
    EXPECT_EQ(change.registration_id(), id);
    ++updated;
  }
  EXPECT_EQ(updated, 1);
}

TEST_F(ServiceCallsTest, BadAndUnknownIdsAreNamed) {
  events::v1::LookupRegistrationRequest lookup;
  events::v1::Registration seen;
  grpc::Status empty = stub_->LookupRegistration(Call(service_key_).get(), lookup, &seen);
  EXPECT_EQ(empty.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(empty.error_message(), HasSubstr("registration_id"));
  lookup.set_registration_id("rg_nope");
  EXPECT_EQ(stub_->LookupRegistration(Call(service_key_).get(), lookup, &seen).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  const std::string core = event_.substr(3);
  lookup.set_registration_id("rg_" + core + "-" + ids_.New("x").substr(2));
  EXPECT_EQ(stub_->LookupRegistration(Call(service_key_).get(), lookup, &seen).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace events::registration
