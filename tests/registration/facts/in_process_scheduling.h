#pragma once

// A real scheduling service in this process (port 0) on the test Redis, with a service key
// and two organisations, for registration tests that talk to scheduling.

#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>

#include <chrono>
#include <ctime>
#include <memory>
#include <string>

#include "common/auth/authenticator.h"
#include "common/auth/key_store.h"
#include "common/bus/keyspace.h"
#include "common/redis/redis_client.h"
#include "common/server/service_runner.h"
#include "common/testing/redis_for_test.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "events/v1/scheduling.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/scheduling/domain/scheduler.h"
#include "services/scheduling/server/scheduling_metrics.h"
#include "services/scheduling/server/scheduling_service.h"
#include "services/scheduling/store/redis_event_store.h"
#include "tests/scheduling/test_events.h"

namespace events::registration::testing {

// The scheduling test webinar (tests/scheduling/test_events.h), moved to 10 March next year
// so that it is in the future by the real clock the scheduler here runs on.
inline events::v1::EventDetails FutureWebinar() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  const std::string year = std::to_string(utc.tm_year + 1900 + 1);
  events::v1::EventDetails d = events::scheduling::testing::Webinar();
  d.mutable_start()->set_value(year + "-03-10T10:00");
  d.mutable_end()->set_value(year + "-03-10T11:30");
  return d;
}

class InProcessSchedulingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    redis::RedisOptions options = events::testing::TestRedisOptions();
    ASSERT_FALSE(HasFailure());
    redis_ = std::make_unique<redis::RedisClient>(options);
    keys_ = std::make_unique<bus::Keyspace>(events::testing::UniqueKeyPrefix(), 16);
    key_store_ = std::make_unique<auth::RedisKeyStore>(*redis_, *keys_);
    auth_ = std::make_unique<auth::Authenticator>(*key_store_);
    store_ = std::make_unique<scheduling::RedisEventStore>(*redis_, *keys_,
                                                           scheduling::RedisEventStore::Options{});
    scheduler_ = std::make_unique<scheduling::Scheduler>(*store_, clock_, ids_);
    registry_ = std::make_shared<prometheus::Registry>();
    metrics_ = std::make_unique<scheduling::SchedulingMetrics>(*registry_);
    service_ = std::make_unique<scheduling::SchedulingServiceImpl>(*scheduler_, *auth_, *metrics_);
    server::ServerOptions server_options;
    server_options.service_name = "scheduling";
    server_options.listen_host = "127.0.0.1";
    runner_ = std::make_unique<server::ServiceRunner>(server_options, registry_);
    runner_->AddService(service_.get());
    absl::StatusOr<int> port = runner_->Start();
    ASSERT_TRUE(port.ok()) << port.status();
    address_ = "127.0.0.1:" + std::to_string(*port);
    channel_ = grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
    stub_ = events::v1::SchedulingService::NewStub(channel_);

    auto boot = auth::BootstrapOrganisation(*key_store_, ids_, clock_, "Riverside Forum");
    ASSERT_TRUE(boot.ok()) << boot.status();
    org_ = boot->org.id;
    organiser_key_ = boot->key.plaintext;
    auto other = auth::BootstrapOrganisation(*key_store_, ids_, clock_, "Elsewhere Trust");
    ASSERT_TRUE(other.ok()) << other.status();
    other_key_ = other->key.plaintext;
    auto service =
        auth::IssueKey(*key_store_, ids_, clock_, "", {auth::Role::kService}, {}, "registration");
    ASSERT_TRUE(service.ok()) << service.status();
    service_key_ = service->plaintext;
  }
  void TearDown() override {
    if (runner_) runner_->Shutdown();
  }

  std::unique_ptr<grpc::ClientContext> Call(const std::string& key) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (!key.empty()) ctx->AddMetadata("authorization", "Bearer " + key);
    return ctx;
  }
  events::v1::Event MustCreate(const events::v1::EventDetails& details = FutureWebinar()) {
    events::v1::CreateEventRequest req;
    *req.mutable_details() = details;
    events::v1::Event e;
    grpc::Status s = stub_->CreateEvent(Call(organiser_key_).get(), req, &e);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return e;
  }
  events::v1::Event MustPublish(const std::string& event_id) {
    events::v1::PublishEventRequest req;
    req.set_event_id(event_id);
    events::v1::Event e;
    grpc::Status s = stub_->PublishEvent(Call(organiser_key_).get(), req, &e);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return e;
  }
  // The organiser's own view, as scheduling now has it.
  events::v1::Event MustGet(const std::string& event_id) {
    events::v1::GetEventRequest req;
    req.set_event_id(event_id);
    events::v1::Event e;
    grpc::Status s = stub_->GetEvent(Call(organiser_key_).get(), req, &e);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return e;
  }

  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<bus::Keyspace> keys_;
  std::unique_ptr<auth::RedisKeyStore> key_store_;
  std::unique_ptr<auth::Authenticator> auth_;
  std::unique_ptr<scheduling::RedisEventStore> store_;
  // Real time: the scheduler refuses to publish events whose start has passed.
  SystemClock clock_;
  IdGenerator ids_{clock_};
  std::unique_ptr<scheduling::Scheduler> scheduler_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<scheduling::SchedulingMetrics> metrics_;
  std::unique_ptr<scheduling::SchedulingServiceImpl> service_;
  std::unique_ptr<server::ServiceRunner> runner_;
  std::string address_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<events::v1::SchedulingService::Stub> stub_;
  std::string org_, organiser_key_, other_key_, service_key_;
};

}  // namespace events::registration::testing
