#pragma once
// A registration service on a real Redis behind a real gRPC server, with two organisations
// (key_ and other_key_) and an open event of one place (event_): shared by the gRPC tests.
#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>

#include "common/auth/authenticator.h"
#include "common/auth/key_store.h"
#include "common/server/service_runner.h"
#include "events/v1/registration.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/registration/server/registration_service.h"
#include "tests/registration/registration_test_support.h"

namespace events::registration {

using events::v1::RegistrationService;

class RegistrationGrpcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = events::testing::TestRedisOptions();
    ASSERT_FALSE(HasFailure());
    redis_ = std::make_unique<redis::RedisClient>(options_);
    keys_ = std::make_unique<bus::Keyspace>(events::testing::UniqueKeyPrefix(), 16);
    key_store_ = std::make_unique<auth::RedisKeyStore>(*redis_, *keys_);
    auth_ = std::make_unique<auth::Authenticator>(*key_store_);
    store_ = std::make_unique<RedisRegistrationStore>(*redis_, *keys_,
                                                      RedisRegistrationStore::Options{});
    RegistrarOptions options;
    options.limit_per_address_per_minute = 0;
    options.limit_per_event_per_second = 0;
    registrar_ = std::make_unique<Registrar>(*store_, directory_, clock_, ids_, options);
    registry_ = std::make_shared<prometheus::Registry>();
    metrics_ = std::make_unique<RegistrationMetrics>(*registry_);
    service_ = std::make_unique<RegistrationServiceImpl>(*registrar_, *auth_, *metrics_);
    server::ServerOptions server_options;
    server_options.service_name = "registration";
    server_options.listen_host = "127.0.0.1";
    runner_ = std::make_unique<server::ServiceRunner>(server_options, registry_);
    runner_->AddService(service_.get());
    auto port = runner_->Start();
    ASSERT_TRUE(port.ok()) << port.status();
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(*port),
                                   grpc::InsecureChannelCredentials());
    stub_ = RegistrationService::NewStub(channel_);

    auto boot = auth::BootstrapOrganisation(*key_store_, ids_, clock_, "Riverside Forum");
    ASSERT_TRUE(boot.ok());
    key_ = boot->key.plaintext;
    auto other = auth::BootstrapOrganisation(*key_store_, ids_, clock_, "Elsewhere Trust");
    ASSERT_TRUE(other.ok());
    other_key_ = other->key.plaintext;
    event_ = ids_.New("ev");
    directory_.Put(testing::OpenEvent(event_, 1, boot->org.id));
  }
  void TearDown() override {
    stub_.reset();
    channel_.reset();
    if (runner_) runner_->Shutdown();
  }
  std::unique_ptr<grpc::ClientContext> Call(const std::string& key = "") {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (!key.empty()) ctx->AddMetadata("authorization", "Bearer " + key);
    return ctx;
  }

  redis::RedisOptions options_;
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
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<RegistrationService::Stub> stub_;
  std::string key_, other_key_, event_;
};

}  // namespace events::registration
