// The store's key contract (store/lua/common.lua) on a one-node Redis Cluster: there Redis
// refuses a script that touches a key outside the slot of its KEYS, so every script running
// here through a request's whole life shows it declares its keys and keeps to one slot. The
// test starts its own redis-server in cluster mode (OwnRedisServer::StartOneNodeCluster).
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/bus/keyspace.h"
#include "common/redis/msgpack.h"
#include "common/redis/redis_client.h"
#include "common/testing/domain_event_check.h"
#include "common/testing/one_node_cluster_test.h"
#include "common/testing/redis_for_test.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "gtest/gtest.h"
#include "services/accessibility/domain/access_desk.h"
#include "services/accessibility/store/accessibility_scripts.h"
#include "services/accessibility/store/redis_accessibility_store.h"
#include "services/accessibility/worker/job_worker.h"
#include "tests/accessibility/accessibility_test_support.h"

namespace events::accessibility {

namespace {

using events::v1::AccessibilityRequest;
using namespace testing;  // NOLINT: the test support constants

// The value of `r`, or a test failure naming the status and T{}: dereferencing an error
// would abort the test binary and leave the cluster node it started running.
template <typename T>
T ValueOf(absl::StatusOr<T> r) {
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : T{};
}

class ClusterContractTest : public events::testing::OneNodeClusterTest {
 protected:
  // Every domain event the test made a script emit parses as its .proto says.
  void TearDown() override {
    if (redis_ != nullptr && keys_ != nullptr) {
      events::testing::ExpectSoundDomainEvents(*redis_, *keys_, "accessibility");
    }
  }

  void SetUp() override {
    ASSERT_NE(server(), nullptr) << "redis-server did not start in cluster mode";
    redis_ = std::make_unique<redis::RedisClient>(server()->Options());
    keys_ = std::make_unique<bus::Keyspace>(events::testing::UniqueKeyPrefix(), 16);
    store_ = std::make_unique<RedisAccessibilityStore>(*redis_, *keys_,
                                                       RedisAccessibilityStore::Options{});
    event_ = ids_.New("ev");
    events_.Put(Webinar(event_, "org_riverside"));
    desk_ = std::make_unique<AccessDesk>(*store_, events_, registrations_, cipher_, clock_, ids_);
  }

  AccessibilityRequest MustSubmit(const std::string& token, const std::string& need) {
    events::v1::SubmitRequestRequest r;
    r.set_registration_token(token);
    r.add_needs(need);
    r.mutable_details()->set_details("Please book a BSL interpreter");
    r.mutable_details()->set_contact_method(events::v1::CONTACT_METHOD_REGISTRATION_EMAIL);
    r.set_consent(true);
    auto out = desk_->Submit(r);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? *out : AccessibilityRequest();
  }

  // The domain event types appended to the event's partition stream, oldest first.
  std::vector<std::string> EventTypes() {
    std::vector<std::string> out;
    auto reply = redis_->Command({"XRANGE", keys_->Stream(keys_->PartitionOf(event_)), "-", "+"});
    EXPECT_TRUE(reply.ok()) << reply.status();
    if (!reply.ok()) return out;
    for (size_t i = 0; i < redis::ArraySize(**reply); ++i) {
      const redisReply& fields = redis::ArrayAt(redis::ArrayAt(**reply, i), 1);
      for (size_t j = 0; j + 1 < redis::ArraySize(fields); j += 2) {
        if (redis::AsString(redis::ArrayAt(fields, j)) == "type") {
          out.push_back(redis::AsString(redis::ArrayAt(fields, j + 1)));
        }
      }
    }
    return out;
  }

  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<bus::Keyspace> keys_;
  std::unique_ptr<RedisAccessibilityStore> store_;
  FakeEventDirectory events_;
  FakeRegistrationDirectory registrations_;
  DetailCipher cipher_{{"k1", std::string(32, 'k')}};
  FakeClock clock_{kNow};
  IdGenerator ids_{clock_};
  std::unique_ptr<AccessDesk> desk_;
  std::string event_;
  Staff coordinator_{"org_riverside", "key_coord", "Cora Coordinator"};
};

// Without this the other tests would prove nothing: the node refuses a strict ("#!lua")
// script's key of another slot than its KEYS, whichever node owns the slot.
TEST_F(ClusterContractTest, TheNodeRefusesAScriptKeyOutsideTheSlotOfItsKeys) {
  const redis::LuaScript strict("test_cross_slot", "#!lua\nreturn redis.call('GET', ARGV[1])");
  const std::string p0 = keys_->PartitionPrefix(0), p1 = keys_->PartitionPrefix(1);
  EXPECT_TRUE(redis_->Eval(strict, {p0 + "a"}, {p0 + "b"}).ok());
  auto refused = redis_->Eval(strict, {p0 + "a"}, {p1 + "b"});
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "same slot")) << refused.status();
}

TEST_F(ClusterContractTest, ARequestsWholeLifeRunsInItsEventsSlot) {
  // Submitted (apply: new requests, the registration index, facts, jobs, events), changed
  // by a coordinator, fulfilled by a provision.
  const std::string token = registrations_.Register(event_);
  AccessibilityRequest a = MustSubmit(token, "bsl_interpreter");
  AccessibilityRequest b = MustSubmit(registrations_.Register(event_), "bsl_interpreter");
  ASSERT_FALSE(a.id().empty());
  events::v1::TransitionRequestRequest t;
  t.set_request_id(b.id());
  t.set_to(events::v1::REQUEST_STATUS_ACKNOWLEDGED);
  ASSERT_TRUE(desk_->Transition(coordinator_, t).ok());
  events::v1::AddProvisionRequest add;
  add.set_event_id(event_);
  add.set_need("bsl_interpreter");
  add.set_description("BSL interpreter booked for the whole webinar");
  auto provision = desk_->AddProvision(coordinator_, add);
  ASSERT_TRUE(provision.ok()) << provision.status();
  events::v1::FulfilWithProvisionRequest fulfil;
  fulfil.set_provision_id(provision->id());
  auto fulfilled = desk_->Fulfil(coordinator_, fulfil);
  ASSERT_TRUE(fulfilled.ok()) << fulfilled.status();
  EXPECT_EQ(fulfilled->requests_size(), 2);

  // Rescheduled (apply with facts "if_newer", expected facts and request count).
  events::v1::EventChanged change;
  change.set_event_id(event_);
  change.set_org_id("org_riverside");
  change.set_status(events::v1::EVENT_STATUS_PUBLISHED);
  change.set_version(3);
  change.set_start_unix_ms(kStart + 7 * kDay);
  change.set_end_unix_ms(kStart + 7 * kDay + int64_t{90} * 60000);
  change.set_time_zone("Europe/London");
  ASSERT_TRUE(desk_->OnEventChanged("event.rescheduled", change).ok());
  auto read = desk_->Read(coordinator_, a.id(), "GetRequest");  // audit.lua
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->status(), events::v1::REQUEST_STATUS_NEEDS_RECONFIRMATION);
  EXPECT_EQ(read->details().details(), "Please book a BSL interpreter");
  // FulfilWithProvision's answer and this read.
  EXPECT_EQ(ValueOf(desk_->Audit(coordinator_, {})).entries_size(), 2);

  // Counts published (counts.lua); withdrawn and erased (apply: unlink, delete details).
  EXPECT_TRUE(desk_->Counts({"org_riverside", "key_org", "Olu Organiser"}, event_).ok());
  ASSERT_TRUE(desk_->WithdrawMine(token).ok());
  ASSERT_TRUE(desk_->EraseMine(token).ok());
  EXPECT_TRUE(ValueOf(desk_->Read(coordinator_, a.id(), "GetRequest")).registration_id().empty());

  const std::vector<std::string> types = EventTypes();
  for (const char* type :
       {"accessibility.request_submitted", "accessibility.provision_booked",
        "accessibility.request_fulfilled", "accessibility.request_needs_reconfirmation",
        "accessibility.request_withdrawn"}) {
    EXPECT_NE(std::find(types.begin(), types.end(), type), types.end()) << type;
  }
}

TEST_F(ClusterContractTest, DueJobsFireInTheirPartitionsSlot) {
  // fire.lua: an at-risk job (the request, the organisation's at-risk index, an event), then
  // the retention purge (the event's requests, named by the job).
  const std::string token = registrations_.Register(event_);
  AccessibilityRequest open = MustSubmit(token, "bsl_interpreter");
  clock_.Set(open.deadline_unix_ms() - 48 * kHour);
  auto fired = JobWorker(*desk_).RunOnce();
  ASSERT_TRUE(fired.ok()) << fired.status();
  EXPECT_EQ(*fired, 1);
  auto at_risk = desk_->AtRisk(coordinator_, {});
  ASSERT_TRUE(at_risk.ok()) << at_risk.status();
  ASSERT_EQ(at_risk->requests_size(), 1);
  EXPECT_EQ(at_risk->requests(0).id(), open.id());
  EXPECT_EQ(EventTypes().back(), "accessibility.request_at_risk");

  clock_.Set(kStart + int64_t{90} * 60000 + 30 * kDay);
  fired = JobWorker(*desk_).RunOnce();
  ASSERT_TRUE(fired.ok()) << fired.status();
  EXPECT_EQ(*fired, 1);
  EXPECT_TRUE(ValueOf(desk_->GetMine(token)).details_deleted());
}

TEST_F(ClusterContractTest, LeadTimesAndTheAuditLogAreOneKeyEach) {
  events::v1::SetLeadTimeRequest lead;
  lead.set_need("bsl_interpreter");
  lead.set_lead_time_days(21);
  ASSERT_TRUE(desk_->SetLeadTime("org_riverside", lead).ok());
  auto stored = store_->GetLeadTimes("org_riverside");
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->at("bsl_interpreter"), 21);
  events::v1::AuditEntry entry;
  entry.set_actor("key_coord");
  entry.set_rpc("ListRequests");
  entry.add_request_ids("ar_1");
  entry.add_request_ids("ar_2");
  ASSERT_TRUE(store_->AppendAudit("org_riverside", entry).ok());
  auto page = store_->ListAudit("org_riverside", "", 10);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->entries.size(), 1u);
  EXPECT_EQ(page->entries[0].request_ids_size(), 2);
}

// The contract is checked by the scripts themselves too, so a store that passes no KEYS, or
// keys of two partitions, fails on a single Redis as well as here.
TEST_F(ClusterContractTest, ApplyRefusesNoKeysAndKeysOfTwoPartitions) {
  // The store's own script, called the wrong way.
  const redis::LuaScript& apply = lua::Apply();
  const std::string batch = redis::MsgpackMap()
                                .Add("event", event_)
                                .Add("now", kNow)
                                .Add("maxlen", 1000)
                                .Add("purge_due_ms", 0)
                                .Add("requests", 0)
                                .Add("provisions", 0)
                                .Encode();
  auto none = redis_->Eval(apply, {}, {batch});
  ASSERT_FALSE(none.ok());
  EXPECT_TRUE(absl::StrContains(none.status().message(), "called without KEYS")) << none.status();

  const std::string p0 = keys_->PartitionPrefix(0) + "acc:",
                    p1 = keys_->PartitionPrefix(1) + "acc:";
  auto split = redis_->Eval(apply,
                            {p0 + "e:x:facts", p0 + "e:x:requests", p0 + "e:x:byreg",
                             p0 + "e:x:provisions", p1 + "jobs", keys_->Stream(0)},
                            {batch});
  ASSERT_FALSE(split.ok());
  // Refused before any key is touched: by Redis Cluster (KEYS of two slots), or by the
  // script's own check on a single Redis.
  EXPECT_TRUE(absl::StrContains(split.status().message(), "slot") ||
              absl::StrContains(split.status().message(), "not in the partition"))
      << split.status();
}

}  // namespace
}  // namespace events::accessibility
