#pragma once
// A registration service on a real Redis behind a real gRPC server, with two organisations
// (key_ and other_key_) and an open event of one place (event_): shared by the gRPC tests.
#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>

#include "common/auth/authenticator.h"
#include "common/auth/key_store.h"
#include "common/testing/grpc_service_harness.h"
#include "events/v1/registration.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/registration/server/registration_service.h"
#include "tests/registration/registration_test_support.h"

namespace events::registration {

using events::v1::RegistrationService;

class RegistrationGrpcTest : public ::testing::Test {
 protected:
  // REGISTRATION_LINK_SECRET of the service under test.
  static constexpr char kLinkSecret[] = "the link secret of the gRPC tests, 32+ chars";

  void SetUp() override {
    absl::Status connected = harness_.Connect();
    ASSERT_TRUE(connected.ok()) << connected;
    redis_ = &harness_.redis();
    keys_ = &harness_.keys();
    key_store_ = &harness_.key_store();
    auth_ = &harness_.auth();
    store_ = std::make_unique<RedisRegistrationStore>(*redis_, *keys_,
                                                      RedisRegistrationStore::Options{});
    RegistrarOptions options;
    options.limit_per_address_per_minute = 0;
    options.limit_per_event_per_second = 0;
    options.link_secret = kLinkSecret;
    registrar_ = std::make_unique<Registrar>(*store_, directory_, clock_, ids_, options);
    metrics_ = std::make_unique<RegistrationMetrics>(*harness_.registry());
    service_ = std::make_unique<RegistrationServiceImpl>(*registrar_, *auth_, *metrics_);
    absl::Status started = harness_.Start("registration", {service_.get()});
    ASSERT_TRUE(started.ok()) << started;
    stub_ = RegistrationService::NewStub(harness_.Channel());

    auto boot = harness_.Bootstrap("Riverside Forum");
    ASSERT_TRUE(boot.ok());
    key_ = boot->key;
    auto other = harness_.Bootstrap("Elsewhere Trust");
    ASSERT_TRUE(other.ok());
    other_key_ = other->key;
    event_ = ids_.New("ev");
    directory_.Put(testing::OpenEvent(event_, 1, boot->org_id));
  }
  void TearDown() override {
    stub_.reset();
    harness_.Shutdown();
  }
  std::unique_ptr<grpc::ClientContext> Call(const std::string& key = "") {
    return events::testing::GrpcServiceHarness::Call(key);
  }

  testing::FakeEventDirectory directory_;
  FakeClock clock_{testing::kNow};
  IdGenerator ids_{clock_};
  events::testing::GrpcServiceHarness harness_{clock_, ids_};
  // Owned by harness_; set by SetUp.
  redis::RedisClient* redis_ = nullptr;
  bus::Keyspace* keys_ = nullptr;
  auth::RedisKeyStore* key_store_ = nullptr;
  auth::Authenticator* auth_ = nullptr;
  std::unique_ptr<RedisRegistrationStore> store_;
  std::unique_ptr<Registrar> registrar_;
  std::unique_ptr<RegistrationMetrics> metrics_;
  std::unique_ptr<RegistrationServiceImpl> service_;
  std::unique_ptr<RegistrationService::Stub> stub_;
  std::string key_, other_key_, event_;
};

}  // namespace events::registration
