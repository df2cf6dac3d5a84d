// events_access_requests_at_risk and events_access_requests_past_deadline, per organisation,
// read from a real Redis (or Redis Cluster) the way the service reads them: requests made
// through AccessDesk, at-risk jobs fired by JobWorker, counts by the read-only script.
#include "services/accessibility/worker/risk_gauges.h"

#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/bus/keyspace.h"
#include "common/redis/redis_client.h"
#include "common/testing/redis_for_test.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "gtest/gtest.h"
#include "services/accessibility/domain/access_desk.h"
#include "services/accessibility/server/accessibility_service.h"
#include "services/accessibility/store/redis_accessibility_store.h"
#include "services/accessibility/worker/job_worker.h"
#include "tests/accessibility/accessibility_test_support.h"
#include "tests/common/metrics/registry_reader.h"

namespace events::accessibility {
namespace {

using events::v1::AccessibilityRequest;
using testing::kDay;
using testing::kHour;
using testing::kNow;

constexpr char kAtRisk[] = "events_access_requests_at_risk";
constexpr char kPast[] = "events_access_requests_past_deadline";

class RiskGaugesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    redis::RedisOptions options = events::testing::TestRedisOptions();
    ASSERT_FALSE(HasFailure());
    redis_ = std::make_unique<redis::RedisClient>(options);
    keys_ = std::make_unique<bus::Keyspace>(events::testing::UniqueKeyPrefix(), 16);
    store_ = std::make_unique<RedisAccessibilityStore>(*redis_, *keys_,
                                                       RedisAccessibilityStore::Options{});
    desk_ = std::make_unique<AccessDesk>(*store_, events_, registrations_, cipher_, clock_, ids_);
    gauges_ =
        std::make_unique<RiskGauges>(*store_, clock_, metrics_.at_risk, metrics_.past_deadline);
  }

  std::string Event(const std::string& org) {
    std::string id = ids_.New("ev");
    events_.Put(testing::Webinar(id, org));
    return id;
  }
  AccessibilityRequest Submit(const std::string& event) {
    events::v1::SubmitRequestRequest r;
    r.set_registration_token(registrations_.Register(event));
    r.add_needs("bsl_interpreter");
    r.mutable_details()->set_details("Please book a BSL interpreter");
    r.mutable_details()->set_contact_method(events::v1::CONTACT_METHOD_REGISTRATION_EMAIL);
    r.set_consent(true);
    auto out = desk_->Submit(r);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? *out : AccessibilityRequest();
  }
  void Fulfil(const std::string& org, const std::string& id) {
    events::v1::TransitionRequestRequest t;
    t.set_request_id(id);
    t.set_to(events::v1::REQUEST_STATUS_FULFILLED);
    auto moved = desk_->Transition({org, "key_coord", "Cora Coordinator"}, t);
    EXPECT_TRUE(moved.ok()) << moved.status();
  }
  double Gauge(const char* name, const std::string& org) {
    return events::testing::MetricValue(registry_, name, {{"org_id", org}});
  }
  // The organisations with a series of `name`, whatever its value.
  std::set<std::string> Series(const std::string& name) {
    std::set<std::string> out;
    for (const prometheus::MetricFamily& family : registry_.Collect()) {
      if (family.name != name) continue;
      for (const prometheus::ClientMetric& m : family.metric) {
        for (const auto& label : m.label) {
          if (label.name == "org_id") out.insert(label.value);
        }
      }
    }
    return out;
  }

  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<bus::Keyspace> keys_;
  std::unique_ptr<RedisAccessibilityStore> store_;
  testing::FakeEventDirectory events_;
  testing::FakeRegistrationDirectory registrations_;
  DetailCipher cipher_{{"k1", std::string(32, 'k')}};
  FakeClock clock_{kNow};
  IdGenerator ids_{clock_};
  std::unique_ptr<AccessDesk> desk_;
  prometheus::Registry registry_;
  AccessibilityMetrics metrics_{registry_};
  std::unique_ptr<RiskGauges> gauges_;
};

TEST_F(RiskGaugesTest, CountOpenRequestsAtRiskAndPastDeadlinePerOrganisation) {
  const std::string river = Event("org_riverside");
  const std::string hill = Event("org_hillside");
  AccessibilityRequest r1 = Submit(river);
  AccessibilityRequest r2 = Submit(river);
  AccessibilityRequest r3 = Submit(river);
  AccessibilityRequest h1 = Submit(hill);
  Fulfil("org_riverside", r3.id());  // met before it was ever at risk
  ASSERT_EQ(r1.deadline_unix_ms(), h1.deadline_unix_ms());
  const int64_t deadline = r1.deadline_unix_ms();

  // Nothing at risk yet: no organisation has a series.
  ASSERT_TRUE(gauges_->RefreshOnce().ok());
  EXPECT_TRUE(Series(kAtRisk).empty());
  EXPECT_TRUE(Series(kPast).empty());

  // 48 hours before the deadline (the service's rule): the three open ones are at risk.
  clock_.Set(deadline - 48 * kHour);
  ASSERT_EQ(*JobWorker(*desk_).RunOnce(), 3);
  ASSERT_TRUE(gauges_->RefreshOnce().ok());
  EXPECT_EQ(Gauge(kAtRisk, "org_riverside"), 2);
  EXPECT_EQ(Gauge(kAtRisk, "org_hillside"), 1);
  EXPECT_EQ(Gauge(kPast, "org_riverside"), 0);
  EXPECT_EQ(Gauge(kPast, "org_hillside"), 0);

  // The deadline passes with nothing met: past deadline, and no longer counted at risk.
  clock_.Set(deadline + kHour);
  ASSERT_TRUE(gauges_->RefreshOnce().ok());
  EXPECT_EQ(Gauge(kAtRisk, "org_riverside"), 0);
  EXPECT_EQ(Gauge(kPast, "org_riverside"), 2);
  EXPECT_EQ(Gauge(kPast, "org_hillside"), 1);

  // Fulfilled late: they drop out; hillside reports 0 rather than losing its series.
  Fulfil("org_riverside", r1.id());
  Fulfil("org_hillside", h1.id());
  ASSERT_TRUE(gauges_->RefreshOnce().ok());
  EXPECT_EQ(Gauge(kPast, "org_riverside"), 1);
  EXPECT_EQ(Gauge(kPast, "org_hillside"), 0);
  EXPECT_EQ(Series(kPast), (std::set<std::string>{"org_hillside", "org_riverside"}));

  // After 24 hours at 0, hillside's series go; riverside still has one past deadline.
  clock_.Set(deadline + kHour + kDay);
  ASSERT_TRUE(gauges_->RefreshOnce().ok());
  EXPECT_EQ(Series(kPast), (std::set<std::string>{"org_riverside"}));
  EXPECT_EQ(Series(kAtRisk), (std::set<std::string>{"org_riverside"}));
  Fulfil("org_riverside", r2.id());
  ASSERT_TRUE(gauges_->RefreshOnce().ok());
  EXPECT_EQ(Gauge(kPast, "org_riverside"), 0);

  // The index of organisations empties with their at-risk sets: nothing left to read.
  for (int p = 0; p < keys_->partitions(); ++p) {
    auto members =
        redis_->Command({"SCARD", absl::StrCat(keys_->PartitionPrefix(p), "acc:riskorgs")});
    ASSERT_TRUE(members.ok()) << members.status();
    EXPECT_EQ(redis::AsInt(**members), 0) << p;
  }
}

}  // namespace
}  // namespace events::accessibility
