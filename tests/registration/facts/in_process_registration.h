#pragma once

// A real registration service in this process, asking the in-process scheduling service of
// InProcessSchedulingTest over gRPC, on the test Redis: for the tests of services that call
// registration (accessibility, feedback).

#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>

#include <chrono>
#include <memory>

#include "common/testing/grpc_service_harness.h"
#include "events/v1/registration.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/registration/domain/registrar.h"
#include "services/registration/peers/grpc_event_directory.h"
#include "services/registration/server/registration_service.h"
#include "services/registration/store/redis_registration_store.h"
#include "tests/registration/facts/in_process_scheduling.h"

namespace events::registration::testing {

class InProcessRegistrationTest : public InProcessSchedulingTest {
 protected:
  void SetUp() override {
    InProcessSchedulingTest::SetUp();
    ASSERT_FALSE(HasFailure());
    reg_store_ = std::make_unique<RedisRegistrationStore>(*redis_, *keys_,
                                                          RedisRegistrationStore::Options{});
    reg_directory_ = std::make_unique<GrpcEventDirectory>(channel_, service_key_,
                                                          std::chrono::seconds(5), address_);
    // No rate limits: the tests register many people from one address.
    RegistrarOptions options;
    options.limit_per_address_per_minute = 0;
    options.limit_per_event_per_second = 0;
    registrar_ = std::make_unique<Registrar>(*reg_store_, *reg_directory_, clock_, ids_, options);
    reg_metrics_ = std::make_unique<RegistrationMetrics>(*reg_registry_);
    reg_service_ = std::make_unique<RegistrationServiceImpl>(*registrar_, *auth_, *reg_metrics_);
    absl::Status started = reg_server_.Start("registration", {reg_service_.get()});
    ASSERT_TRUE(started.ok()) << started;
    reg_stub_ = events::v1::RegistrationService::NewStub(reg_server_.Channel());
  }
  void TearDown() override {
    reg_server_.Shutdown();
    InProcessSchedulingTest::TearDown();
  }

  std::unique_ptr<RedisRegistrationStore> reg_store_;
  std::unique_ptr<GrpcEventDirectory> reg_directory_;
  std::unique_ptr<Registrar> registrar_;
  std::shared_ptr<prometheus::Registry> reg_registry_ = std::make_shared<prometheus::Registry>();
  std::unique_ptr<RegistrationMetrics> reg_metrics_;
  std::unique_ptr<RegistrationServiceImpl> reg_service_;
  events::testing::TestServer reg_server_{reg_registry_};
  std::unique_ptr<events::v1::RegistrationService::Stub> reg_stub_;
};

}  // namespace events::registration::testing
