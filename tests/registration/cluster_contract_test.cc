// Every registration script against a one-node Redis Cluster of the test's own: the key
// contract of services/registration/store/lua/common.lua, proved by Redis itself. In cluster
// mode a "#!lua" script (redis::LuaScript makes every script one) may touch only keys of its
// declared keys' slot ("Script attempted to access keys that do not hash to the same slot"),
// and declared keys of two slots are refused (CROSSSLOT). So a key named from ARGV, or derived from
// the wrong key, or a KEYS list that mixes partitions, fails these tests, where a plain Redis would
// accept it.
//
// Each test uses events of several partitions (several slots), and drives each script
// through the store: register (a call on its own, a group, and the queue that groups),
// change (cancel, approve, reject, update, attend, with promotions), event (facts, settings,
// resend), link and claim.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/bus/keyspace.h"
#include "common/redis/redis_client.h"
#include "common/testing/domain_event_check.h"
#include "common/testing/own_redis_server.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "common/util/mutex.h"
#include "services/registration/store/redis_registration_store.h"
#include "tests/registration/registration_test_support.h"

namespace events::registration {
namespace {

using events::v1::REGISTRATION_STATUS_CANCELLED;
using events::v1::REGISTRATION_STATUS_CONFIRMED;
using events::v1::REGISTRATION_STATUS_PENDING_APPROVAL;
using events::v1::REGISTRATION_STATUS_REJECTED;
using events::v1::REGISTRATION_STATUS_WAITLISTED;
using testing::kNow;

constexpr int kPartitions = 16;

class RegistrationClusterContractTest : public ::testing::Test {
 protected:
  // Every domain event the test made a script emit parses as its .proto says.
  void TearDown() override {
    if (redis_ != nullptr && keys_ != nullptr) {
      events::testing::ExpectSoundDomainEvents(*redis_, *keys_, "registration");
    }
  }

  void SetUp() override {
    ASSERT_TRUE(server_.StartOneNodeCluster()) << "could not start a one-node Redis Cluster";
    redis::RedisOptions options = server_.Options();
    options.pool_size = 4;
    redis_ = std::make_unique<redis::RedisClient>(options);
    keys_ = std::make_unique<bus::Keyspace>("t:cluster:", kPartitions);
    RedisRegistrationStore::Options store_options;
    store_options.register_senders = 2;  // RegisterAsync through the grouping queue
    store_options.clock = &clock_;
    store_ = std::make_unique<RedisRegistrationStore>(*redis_, *keys_, store_options);
  }

  // New events until `n` of them are in different partitions (so different slots).
  std::vector<std::string> EventsInPartitions(size_t n) {
    std::vector<std::string> events;
    std::set<int> partitions;
    while (events.size() < n) {
      std::string event = ids_.New("ev");
      if (partitions.insert(keys_->PartitionOf(event)).second) events.push_back(event);
    }
    return events;
  }

  // A published, open event of `capacity` places, with a reserved pool "lived" of 1 place;
  // returns the settings version.
  int64_t OpenEvent(const std::string& event, int capacity, bool approval = false) {
    EXPECT_TRUE(store_->UpsertFacts(testing::OpenEvent(event, capacity)).ok());
    events::v1::RegistrationSettings settings;
    settings.set_event_id(event);
    settings.set_requires_approval(approval);
    events::v1::ReservedPool* lived = settings.add_pools();
    lived->set_id("lived");
    lived->set_name("People with lived experience");
    lived->set_places(1);
    absl::StatusOr<int64_t> version = store_->PutSettings(settings, 0, kNow);
    EXPECT_TRUE(version.ok()) << version.status();
    return version.value_or(0);
  }

  static NewRegistration Person(const std::string& event, int64_t settings_version, int n,
                                const std::string& pool = "general") {
    NewRegistration reg;
    events::v1::Registration& r = reg.registration;
    // Registration ids share their event's partition (common/util/ids.h).
    r.set_id(absl::StrCat("rg_", event.substr(3), "-p", n));
    r.set_event_id(event);
    r.set_name(absl::StrCat("Person ", n));
    r.set_pool(pool);
    r.set_created_unix_ms(kNow);
    reg.email_normalised = absl::StrCat("person", n, "@example.org");
    r.set_email(reg.email_normalised);
    reg.token_hash = std::string(64, static_cast<char>('a' + n % 6));
    reg.settings_version = settings_version;
    return reg;
  }

  RegisterResult MustRegister(const NewRegistration& reg) {
    absl::StatusOr<RegisterResult> r = store_->Register(reg, kNow);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.value_or(RegisterResult{});
  }

  events::v1::RegistrationStatus StatusOf(const std::string& id) {
    absl::StatusOr<StoredRegistration> r = store_->Get(id);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->registration.status() : events::v1::REGISTRATION_STATUS_UNSPECIFIED;
  }

  // The types of the domain events of `event`'s partition, oldest first.
  std::vector<std::string> StreamTypes(const std::string& event) {
    std::vector<std::string> out;
    auto reply = redis_->Command({"XRANGE", keys_->Stream(keys_->PartitionOf(event)), "-", "+"});
    EXPECT_TRUE(reply.ok()) << reply.status();
    if (!reply.ok()) return out;
    for (size_t i = 0; i < redis::ArraySize(**reply); ++i) {
      const redisReply& fields = redis::ArrayAt(redis::ArrayAt(**reply, i), 1);
      for (size_t f = 0; f + 1 < redis::ArraySize(fields); f += 2) {
        if (redis::AsString(redis::ArrayAt(fields, f)) == "type") {
          out.push_back(redis::AsString(redis::ArrayAt(fields, f + 1)));
        }
      }
    }
    return out;
  }

  events::testing::OwnRedisServer server_;
  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<bus::Keyspace> keys_;
  std::unique_ptr<RedisRegistrationStore> store_;
  FakeClock clock_{kNow};
  IdGenerator ids_{clock_};
};

// The control: without it the other tests could pass on a server that checks nothing.
TEST_F(RegistrationClusterContractTest, TheServerRefusesAScriptThatReachesIntoAnotherSlot) {
  // LuaScript starts it with "#!lua", as every script.
  const redis::LuaScript reach("test_reach", R"lua(
redis.call('SET', KEYS[1], '1')
return redis.call('GET', ARGV[1])
)lua");
  absl::StatusOr<redis::ReplyPtr> same = redis_->Eval(reach, {"{p1}:a"}, {"{p1}:b"});
  EXPECT_TRUE(same.ok()) << same.status();
  absl::StatusOr<redis::ReplyPtr> other = redis_->Eval(reach, {"{p1}:a"}, {"{p2}:b"});
  ASSERT_FALSE(other.ok());
  EXPECT_NE(other.status().message().find("do not hash to the same slot"), std::string::npos)
      << other.status();
  absl::StatusOr<redis::ReplyPtr> keys = redis_->Eval(reach, {"{p1}:a", "{p2}:a"}, {"{p1}:b"});
  ASSERT_FALSE(keys.ok());
  EXPECT_NE(keys.status().message().find("CROSSSLOT"), std::string::npos) << keys.status();
}

TEST_F(RegistrationClusterContractTest, RegisterOnItsOwnInAGroupAndThroughTheQueue) {
  for (const std::string& event : EventsInPartitions(3)) {
    SCOPED_TRACE(event);
    const int64_t version = OpenEvent(event, 3);

    // On its own: a reserved place, then a general one.
    EXPECT_EQ(MustRegister(Person(event, version, 1, "lived")).seat, "lived");
    RegisterResult second = MustRegister(Person(event, version, 2));
    EXPECT_EQ(second.status, REGISTRATION_STATUS_CONFIRMED);
    EXPECT_EQ(second.seat, "general");

    // A group: the last general place, the waiting list, a repeated address, an
    // idempotency record, and the two rate limits (derived keys, all in the event's slot).
    std::vector<NewRegistration> group;
    for (int n = 3; n <= 8; ++n) group.push_back(Person(event, version, n));
    group[1].idempotency_hash = "k1";
    group[1].fingerprint = "the request";
    group[1].encrypted_token = "sealed";
    group[2].email_normalised = group[0].email_normalised;
    group[3].client_address = "10.0.0.9";
    group[3].limit_per_address_per_minute = 5;
    group[4].limit_per_event_per_second = 10;
    group[5].places = 2;
    absl::StatusOr<std::vector<absl::StatusOr<RegisterResult>>> results =
        store_->RegisterGroup(group, kNow);
    ASSERT_TRUE(results.ok()) << results.status();
    ASSERT_EQ(results->size(), group.size());
    for (const auto& r : *results) ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ((*results)[0]->status, REGISTRATION_STATUS_CONFIRMED);
    EXPECT_EQ((*results)[1]->status, REGISTRATION_STATUS_WAITLISTED);
    EXPECT_EQ((*results)[1]->waitlist_position, 1);
    EXPECT_EQ((*results)[2]->outcome, RegisterOutcome::kDuplicate);
    EXPECT_EQ((*results)[3]->waitlist_position, 2);
    EXPECT_EQ((*results)[4]->waitlist_position, 3);
    EXPECT_EQ((*results)[5]->waitlist_position, 4);

    // The idempotency record is read back as a replay.
    NewRegistration again = group[1];
    again.registration.set_id(absl::StrCat("rg_", event.substr(3), "-again"));
    RegisterResult replay = MustRegister(again);
    EXPECT_EQ(replay.outcome, RegisterOutcome::kReplay);
    EXPECT_EQ(replay.replay_id, group[1].registration.id());
    absl::StatusOr<std::optional<RegisterResult>> stored =
        store_->StoredAnswer(event, "k1", "the request");
    ASSERT_TRUE(stored.ok()) << stored.status();
    ASSERT_TRUE(stored->has_value());
    EXPECT_EQ((*stored)->replay_id, group[1].registration.id());

    // Through the queue, many at once: they travel grouped by event.
    constexpr int kQueued = 40;
    std::atomic<int> answered{0}, waitlisted{0};
    Notification all;
    for (int n = 100; n < 100 + kQueued; ++n) {
      store_->RegisterAsync(Person(event, version, n), kNow, [&](absl::StatusOr<RegisterResult> r) {
        EXPECT_TRUE(r.ok()) << r.status();
        if (r.ok() && r->status == REGISTRATION_STATUS_WAITLISTED) {
          ++waitlisted;
        }
        if (++answered == kQueued) all.Notify();
      });
    }
    ASSERT_TRUE(all.WaitFor(std::chrono::seconds(30)));
    EXPECT_EQ(waitlisted.load(), kQueued);

    absl::StatusOr<EventCounts> counts = store_->Counts(event, {"lived"});
    ASSERT_TRUE(counts.ok()) << counts.status();
    EXPECT_EQ(counts->confirmed, 3);
    EXPECT_EQ(counts->waitlisted, 4 + kQueued);
  }
}

TEST_F(RegistrationClusterContractTest, ChangesAndThePromotionsTheyCause) {
  for (const std::string& event : EventsInPartitions(2)) {
    SCOPED_TRACE(event);
    const int64_t version = OpenEvent(event, 2);
    const NewRegistration a = Person(event, version, 1);
    const NewRegistration b = Person(event, version, 2);
    const NewRegistration c = Person(event, version, 3);
    const NewRegistration d = Person(event, version, 4, "lived");
    for (const NewRegistration* reg : {&a, &b, &c}) MustRegister(*reg);
    EXPECT_EQ(MustRegister(d).status, REGISTRATION_STATUS_CONFIRMED);  // the reserved place
    const std::string& ida = a.registration.id();
    const std::string& idb = b.registration.id();
    const std::string& idc = c.registration.id();
    EXPECT_EQ(StatusOf(idb), REGISTRATION_STATUS_WAITLISTED);
    EXPECT_EQ(StatusOf(idc), REGISTRATION_STATUS_WAITLISTED);

    // The attendee cancels with their token: the first in line is promoted.
    absl::StatusOr<ChangeResult> cancel = store_->Change(
        event, ida, ChangeAction::kCancel, a.token_hash, "", std::nullopt, ChangeBy{}, kNow + 1);
    ASSERT_TRUE(cancel.ok()) << cancel.status();
    EXPECT_EQ(cancel->promoted, 1);
    EXPECT_EQ(StatusOf(ida), REGISTRATION_STATUS_CANCELLED);
    EXPECT_EQ(StatusOf(idb), REGISTRATION_STATUS_CONFIRMED);

    // The organiser cancels, with a reason: the next is promoted.
    cancel = store_->Change(event, idb, ChangeAction::kCancel, "", "", std::nullopt,
                            testing::ByOrganiser("Rae", "Double booked"), kNow + 2);
    ASSERT_TRUE(cancel.ok()) << cancel.status();
    EXPECT_EQ(cancel->promoted, 1);
    EXPECT_EQ(StatusOf(idc), REGISTRATION_STATUS_CONFIRMED);

    // Update (new data, withdrawn consent), attendance marked and unmarked.
    events::v1::Registration data = c.registration;
    data.set_name("Person Three");
    absl::StatusOr<ChangeResult> update =
        store_->Change(event, idc, ChangeAction::kUpdate, c.token_hash, data.SerializeAsString(),
                       false, ChangeBy{}, kNow + 3);
    ASSERT_TRUE(update.ok()) << update.status();
    EXPECT_EQ(update->outcome, ChangeResult::Outcome::kDone);
    for (ChangeAction attend : {ChangeAction::kAttend, ChangeAction::kUnattend}) {
      absl::StatusOr<ChangeResult> mark = store_->Change(event, idc, attend, "", "", std::nullopt,
                                                         testing::ByOrganiser(), kNow + 4);
      ASSERT_TRUE(mark.ok()) << mark.status();
      EXPECT_EQ(mark->outcome, ChangeResult::Outcome::kDone);
    }
    absl::StatusOr<StoredRegistration> stored = store_->Get(idc);
    ASSERT_TRUE(stored.ok()) << stored.status();
    EXPECT_EQ(stored->registration.name(), "Person Three");
    EXPECT_FALSE(stored->registration.attended());
    absl::StatusOr<std::vector<events::v1::RegistrationHistoryEntry>> history =
        store_->History(idc);
    ASSERT_TRUE(history.ok()) << history.status();
    EXPECT_EQ(history->size(), 4u);  // registered, promoted, attended, not attended

    // A wrong token finds nothing; a cancelled registration cannot be cancelled again.
    absl::StatusOr<ChangeResult> wrong =
        store_->Change(event, idc, ChangeAction::kCancel, std::string(64, 'z'), "", std::nullopt,
                       ChangeBy{}, kNow + 5);
    ASSERT_TRUE(wrong.ok()) << wrong.status();
    EXPECT_EQ(wrong->outcome, ChangeResult::Outcome::kNotFound);
    wrong = store_->Change(event, ida, ChangeAction::kCancel, "", "", std::nullopt,
                           testing::ByOrganiser(), kNow + 5);
    ASSERT_TRUE(wrong.ok()) << wrong.status();
    EXPECT_EQ(wrong->outcome, ChangeResult::Outcome::kWrongStatus);
  }
}

TEST_F(RegistrationClusterContractTest, ApprovalsAndRejections) {
  for (const std::string& event : EventsInPartitions(2)) {
    SCOPED_TRACE(event);
    const int64_t version = OpenEvent(event, 1, /*approval=*/true);
    const NewRegistration a = Person(event, version, 1);
    const NewRegistration b = Person(event, version, 2);
    const NewRegistration c = Person(event, version, 3, "lived");
    for (const NewRegistration* reg : {&a, &b, &c}) {
      EXPECT_EQ(MustRegister(*reg).status, REGISTRATION_STATUS_PENDING_APPROVAL);
    }
    // The one place is reserved for "lived": a general approval joins the waiting list.
    for (const NewRegistration* reg : {&a, &c}) {
      absl::StatusOr<ChangeResult> approve =
          store_->Change(event, reg->registration.id(), ChangeAction::kApprove, "", "",
                         std::nullopt, testing::ByOrganiser(), kNow + 1);
      ASSERT_TRUE(approve.ok()) << approve.status();
      EXPECT_EQ(approve->outcome, ChangeResult::Outcome::kDone);
    }
    EXPECT_EQ(StatusOf(a.registration.id()), REGISTRATION_STATUS_WAITLISTED);
    EXPECT_EQ(StatusOf(c.registration.id()), REGISTRATION_STATUS_CONFIRMED);
    absl::StatusOr<ChangeResult> reject =
        store_->Change(event, b.registration.id(), ChangeAction::kReject, "", "", std::nullopt,
                       testing::ByOrganiser(), kNow + 2);
    ASSERT_TRUE(reject.ok()) << reject.status();
    EXPECT_EQ(StatusOf(b.registration.id()), REGISTRATION_STATUS_REJECTED);
  }
}

TEST_F(RegistrationClusterContractTest, EventFactsSettingsAndResend) {
  for (const std::string& event : EventsInPartitions(2)) {
    SCOPED_TRACE(event);
    const int64_t version = OpenEvent(event, 1);
    for (int n = 1; n <= 3; ++n) MustRegister(Person(event, version, n));

    // A capacity rise promotes (facts: reconcile and promote).
    EventFacts bigger = testing::OpenEvent(event, 2);
    bigger.version = 3;
    ASSERT_TRUE(store_->UpsertFacts(bigger).ok());
    absl::StatusOr<std::optional<EventFacts>> facts = store_->GetFacts(event);
    ASSERT_TRUE(facts.ok()) << facts.status();
    ASSERT_TRUE(facts->has_value());
    EXPECT_EQ((*facts)->capacity, 2);
    EXPECT_EQ((*facts)->version, 3);
    EXPECT_EQ((*facts)->registration_closes_unix_ms, bigger.registration_closes_unix_ms);
    // A stale version changes nothing.
    ASSERT_TRUE(store_->UpsertFacts(testing::OpenEvent(event, 1)).ok());
    EXPECT_EQ((*store_->GetFacts(event))->capacity, 2);

    // Removing the reserved pool frees its place for the general waiting list.
    events::v1::RegistrationSettings settings;
    settings.set_event_id(event);
    absl::StatusOr<int64_t> next = store_->PutSettings(settings, version, kNow + 1);
    ASSERT_TRUE(next.ok()) << next.status();
    EXPECT_EQ(*next, version + 1);
    absl::StatusOr<int64_t> conflict = store_->PutSettings(settings, version, kNow + 1);
    EXPECT_EQ(conflict.status().code(), absl::StatusCode::kAborted);
    absl::StatusOr<EventCounts> counts = store_->Counts(event, {});
    ASSERT_TRUE(counts.ok()) << counts.status();
    EXPECT_EQ(counts->confirmed, 2);
    EXPECT_EQ(counts->waitlisted, 1);

    // Resend: a registered address is sent a link, within the limits.
    RegistrationStore::ResendLimits limits;
    ASSERT_TRUE(store_->ResendLink(event, "person1@example.org", kNow + 2, limits).ok());
    ASSERT_TRUE(store_->ResendLink(event, "nobody@example.org", kNow + 2, limits).ok());
    int requested = 0;
    for (const std::string& type : StreamTypes(event)) {
      requested += type == "registration.link_requested";
    }
    EXPECT_EQ(requested, 1);
  }
}

TEST_F(RegistrationClusterContractTest, LinksAndIdempotencyClaims) {
  for (const std::string& event : EventsInPartitions(2)) {
    SCOPED_TRACE(event);
    const int64_t version = OpenEvent(event, 5);
    const NewRegistration a = Person(event, version, 1);
    MustRegister(a);
    const std::string& id = a.registration.id();

    absl::StatusOr<RegistrationStore::SetLinkOutcome> link =
        store_->SetLink(id, a.token_hash, "nonce-1", std::string(64, 'n'));
    ASSERT_TRUE(link.ok()) << link.status();
    EXPECT_EQ(*link, RegistrationStore::SetLinkOutcome::kDone);
    link = store_->SetLink(id, a.token_hash, "nonce-2", std::string(64, 'm'));
    ASSERT_TRUE(link.ok()) << link.status();
    EXPECT_EQ(*link, RegistrationStore::SetLinkOutcome::kConflict);
    absl::StatusOr<StoredRegistration> stored = store_->Get(id);
    ASSERT_TRUE(stored.ok()) << stored.status();
    EXPECT_EQ(stored->link_nonce, "nonce-1");

    // The claim key is in the partition of the key's hash, not the event's: its own script.
    const std::string key = absl::StrCat("key-of-", event);
    absl::StatusOr<std::string> claimed = store_->ClaimIdempotencyKey(key, event);
    ASSERT_TRUE(claimed.ok()) << claimed.status();
    EXPECT_EQ(*claimed, event);
    absl::StatusOr<std::string> other = store_->ClaimIdempotencyKey(key, "ev_another");
    ASSERT_TRUE(other.ok()) << other.status();
    EXPECT_EQ(*other, event);
    Notification done;
    absl::StatusOr<std::string> queued;
    store_->ClaimIdempotencyKeyAsync(key, "ev_another", 0, [&](absl::StatusOr<std::string> r) {
      queued = std::move(r);
      done.Notify();
    });
    ASSERT_TRUE(done.WaitFor(std::chrono::seconds(10)));
    ASSERT_TRUE(queued.ok()) << queued.status();
    EXPECT_EQ(*queued, event);
  }
}

}  // namespace
}  // namespace events::registration
