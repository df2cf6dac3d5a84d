// The store's key contract (store/lua/common.lua) on a one-node Redis Cluster: there Redis
// refuses a script that touches a key outside the slot of its KEYS, and a MULTI block across
// slots, so every store call running here shows it keeps to one slot. The test starts its own
// redis-server in cluster mode (OwnRedisServer::StartOneNodeCluster).
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
#include "gtest/gtest.h"
#include "services/integrations/store/integrations_scripts.h"
#include "services/integrations/store/redis_integrations_store.h"

namespace events::integrations {

namespace {

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
      events::testing::ExpectSoundDomainEvents(*redis_, *keys_, "integrations");
    }
  }

  void SetUp() override {
    ASSERT_NE(server(), nullptr) << "redis-server did not start in cluster mode";
    redis_ = std::make_unique<redis::RedisClient>(server()->Options());
    keys_ = std::make_unique<bus::Keyspace>(events::testing::UniqueKeyPrefix(), 4);
    RedisIntegrationsStore::Options options;
    options.max_dead_letters = 4;  // one in each partition
    store_ = std::make_unique<RedisIntegrationsStore>(*redis_, *keys_, options);
  }

  static ContactChange Upsert(const std::string& reg, int64_t version, const std::string& hash,
                              const std::string& email) {
    ContactChange c;
    c.registration_id = reg;
    c.event_id = "ev_1";
    c.version = version;
    c.upsert = true;
    c.email_sha256 = hash;
    c.email = email;
    c.first_name = "Ada";
    c.last_name = "Lovelace";
    return c;
  }

  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<bus::Keyspace> keys_;
  std::unique_ptr<RedisIntegrationsStore> store_;
};

// Without this the other tests would prove nothing: the node refuses a strict ("#!lua")
// script's key of another slot than its KEYS, whichever node owns the slot.
TEST_F(ClusterContractTest, TheNodeRefusesAScriptKeyOutsideTheSlotOfItsKeys) {
  const redis::LuaScript strict("test_cross_slot", "#!lua\nreturn redis.call('GET', ARGV[1])");
  const std::string p0 = keys_->PartitionPrefix(0), org = keys_->Global("int:{org_a}:");
  EXPECT_TRUE(redis_->Eval(strict, {p0 + "a"}, {p0 + "b"}).ok());
  auto refused = redis_->Eval(strict, {p0 + "a"}, {org + "b"});
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "same slot")) << refused.status();
}

TEST_F(ClusterContractTest, DeliveriesAreMadeTriedKilledAndReplayedInTheirPartitionsSlot) {
  StoredWebhook hook;
  hook.webhook.set_id("wh_x");
  hook.webhook.set_url("https://example.org/hook");
  hook.secret_key_id = "k1";
  hook.sealed_secret = "sealed";
  ASSERT_TRUE(store_->PutWebhook("org_a", hook).ok());  // a MULTI in the organisation's slot
  // Bytes that are not text reach the delivery unchanged.
  const std::string body = std::string("{\"a\":\"") + '\0' + "\xff\"}";
  std::vector<NewDelivery> made;
  for (int p = 0; p < keys_->partitions(); ++p) {
    made.push_back({absl::StrCat(p, "/de_", p, "/wh_x"), "org_a", "wh_x", absl::StrCat("de_", p),
                    "event.published", body, ""});
    ASSERT_EQ(ValueOf(store_->Enqueue(p, {made.back(), made.back()}, 1000)), 1) << p;
  }
  auto claimed = store_->Claim(1000, 5000, 10);
  ASSERT_TRUE(claimed.ok()) << claimed.status();
  ASSERT_EQ(claimed->size(), made.size());
  EXPECT_EQ(claimed->at(0).body, made[0].body);

  TryResult retry;
  retry.outcome = TryOutcome::kRetry;
  retry.http_status = 500;
  retry.error = "the receiver answered 500";
  retry.now_ms = 1100;
  retry.next_due_ms = 2000;
  EXPECT_TRUE(ValueOf(store_->Record(claimed->at(0), retry)));
  EXPECT_FALSE(ValueOf(store_->Record(claimed->at(0), retry)));  // stale now
  TryResult dead;
  dead.outcome = TryOutcome::kDead;
  dead.http_status = 503;
  dead.now_ms = 1200;
  EXPECT_TRUE(ValueOf(store_->Record(claimed->at(1), dead)));
  TryResult gone;
  gone.outcome = TryOutcome::kGone;
  gone.http_status = 410;
  gone.now_ms = 1300;
  EXPECT_TRUE(ValueOf(store_->Record(claimed->at(2), gone)));
  EXPECT_FALSE(ValueOf(store_->GetWebhook("org_a", "wh_x")).webhook.enabled());
  EXPECT_EQ(ValueOf(store_->ListLog("org_a", "wh_x", 10)).size(), 3u);

  // The retry (due at 2000) and the one claimed but never recorded (its lease ends at 6000).
  auto again = store_->Claim(6000, 5000, 10);
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_EQ(again->size(), 2u);
  EXPECT_EQ(again->at(0).attempt, 2);
  auto letters = store_->ListDeadLetters("org_a", 0, 10);
  ASSERT_TRUE(letters.ok()) << letters.status();
  ASSERT_EQ(letters->first.size(), 1u);
  EXPECT_EQ(letters->first[0].last_http_status(), 503);
  EXPECT_TRUE(store_->Replay("org_a", made[1].delivery_id, 3000).ok());
  EXPECT_TRUE(absl::IsNotFound(store_->Replay("org_a", made[1].delivery_id, 3000)));
  EXPECT_TRUE(ValueOf(store_->ListDeadLetters("org_a", 0, 10)).first.empty());
  ASSERT_TRUE(store_->DeleteWebhook("org_a", "wh_x").ok());
}

TEST_F(ClusterContractTest, ContactsMoveBetweenAddressesAndUnsubscribeInTheOrganisationsSlot) {
  EXPECT_EQ(ValueOf(store_->ApplyContact("org_a", Upsert("rg_1", 1, "h1", "ada@example.org"))),
            ContactOutcome::kApplied);
  EXPECT_EQ(ValueOf(store_->ApplyContact("org_a", Upsert("rg_1", 1, "h1", "ada@example.org"))),
            ContactOutcome::kStale);
  // A new address: the contact it had before (named by the stored registration) loses it.
  EXPECT_EQ(ValueOf(store_->ApplyContact("org_a", Upsert("rg_1", 2, "h2", "ada@example.net"))),
            ContactOutcome::kApplied);
  auto page = store_->Contacts("org_a", 0, 10);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->contacts.size(), 2u);
  EXPECT_FALSE(page->contacts[0].subscribed());  // h1, touched when rg_1 left it
  EXPECT_EQ(page->contacts[1].email(), "ada@example.net");
  EXPECT_TRUE(page->contacts[1].subscribed());

  ContactChange remove;
  remove.registration_id = "rg_1";
  remove.event_id = "ev_1";
  remove.version = 3;
  EXPECT_EQ(ValueOf(store_->ApplyContact("org_a", remove)), ContactOutcome::kApplied);
  remove.registration_id = "rg_unknown";
  EXPECT_EQ(ValueOf(store_->ApplyContact("org_a", remove)), ContactOutcome::kNone);

  auto regs = store_->Suppress("org_a", "h2");
  ASSERT_TRUE(regs.ok()) << regs.status();
  EXPECT_EQ(*regs, std::vector<std::string>{"rg_1"});  // it had left the contact
  EXPECT_TRUE(store_->ClearContact("org_a", "h2").ok());
  EXPECT_EQ(ValueOf(store_->ApplyContact("org_a", Upsert("rg_2", 1, "h2", "ada@example.net"))),
            ContactOutcome::kSuppressed);
}

// The contract is checked by the scripts themselves too, so a store that passes no KEYS, or
// keys of two slots, fails on a single Redis as well as here.
TEST_F(ClusterContractTest, EnqueueRefusesNoKeysAndKeysOfTwoSlots) {
  // The store's own script, called the wrong way.
  const redis::LuaScript& enqueue = lua::Enqueue();
  const std::string record = redis::MsgpackMap()
                                 .Add("id", "0/de_1/wh_1")
                                 .Add("org", "org_a")
                                 .Add("webhook", "wh_1")
                                 .Add("message", "de_1")
                                 .Add("type", "event.published")
                                 .Add("body", "{}")
                                 .Encode();
  auto none = redis_->Eval(enqueue, {}, {"1000", record});
  ASSERT_FALSE(none.ok());
  EXPECT_TRUE(absl::StrContains(none.status().message(), "called without KEYS")) << none.status();
  auto split = redis_->Eval(
      enqueue, {keys_->PartitionPrefix(0) + "int:due", keys_->PartitionPrefix(1) + "int:due"},
      {"1000", record});
  ASSERT_FALSE(split.ok());
  EXPECT_TRUE(absl::StrContains(split.status().message(), "slot")) << split.status();
}

}  // namespace
}  // namespace events::integrations
