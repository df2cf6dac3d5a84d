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
#include "common/testing/grpc_service_harness.h"
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
    absl::Status connected = harness_.Connect();
    ASSERT_TRUE(connected.ok()) << connected;
    redis_ = &harness_.redis();
    keys_ = &harness_.keys();
    key_store_ = &harness_.key_store();
    auth_ = &harness_.auth();
    store_ = std::make_unique<scheduling::RedisEventStore>(*redis_, *keys_,
                                                           scheduling::RedisEventStore::Options{});
    scheduler_ = std::make_unique<scheduling::Scheduler>(*store_, clock_, ids_);
    metrics_ = std::make_unique<scheduling::SchedulingMetrics>(*harness_.registry());
    service_ = std::make_unique<scheduling::SchedulingServiceImpl>(*scheduler_, *auth_, *metrics_);
    absl::Status started = harness_.Start("scheduling", {service_.get()});
    ASSERT_TRUE(started.ok()) << started;
    address_ = harness_.address();
    channel_ = harness_.Channel();
    stub_ = events::v1::SchedulingService::NewStub(channel_);

    auto boot = harness_.Bootstrap("Riverside Forum");
    ASSERT_TRUE(boot.ok()) << boot.status();
    org_ = boot->org_id;
    organiser_key_ = boot->key;
    auto other = harness_.Bootstrap("Elsewhere Trust");
    ASSERT_TRUE(other.ok()) << other.status();
    other_key_ = other->key;
    auto service =
        auth::IssueKey(*key_store_, ids_, clock_, "", {auth::Role::kService}, {}, "registration");
    ASSERT_TRUE(service.ok()) << service.status();
    service_key_ = service->plaintext;
  }
  void TearDown() override { harness_.Shutdown(); }

  std::unique_ptr<grpc::ClientContext> Call(const std::string& key) {
    return events::testing::GrpcServiceHarness::Call(key);
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

  // Real time: the scheduler refuses to publish events whose start has passed.
  SystemClock clock_;
  IdGenerator ids_{clock_};
  events::testing::GrpcServiceHarness harness_{clock_, ids_};
  // Owned by harness_; set by SetUp.
  redis::RedisClient* redis_ = nullptr;
  bus::Keyspace* keys_ = nullptr;
  auth::RedisKeyStore* key_store_ = nullptr;
  auth::Authenticator* auth_ = nullptr;
  std::unique_ptr<scheduling::RedisEventStore> store_;
  std::unique_ptr<scheduling::Scheduler> scheduler_;
  std::unique_ptr<scheduling::SchedulingMetrics> metrics_;
  std::unique_ptr<scheduling::SchedulingServiceImpl> service_;
  std::string address_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<events::v1::SchedulingService::Stub> stub_;
  std::string org_, organiser_key_, other_key_, service_key_;
};

}  // namespace events::registration::testing
