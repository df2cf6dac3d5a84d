// Publish and Consumer against a real redis-server (EVENTS_TEST_REDIS_URL). Each test has
// its own key prefix, so tests can run in parallel on one server.

#include "common/bus/event_bus.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/redis/redis_client.h"
#include "common/testing/redis_for_test.h"
#include "tests/common/bus/test_scripts.h"

namespace events::bus {
namespace {

using events::redis::ArrayAt;
using events::redis::ArraySize;
using events::redis::AsInt;
using events::redis::AsString;
using events::redis::ReplyPtr;
using std::chrono::milliseconds;

constexpr int kPartitions = 4;

events::v1::DomainEvent MakeEvent(const std::string& subject, int n) {
  events::v1::DomainEvent event;
  event.set_id(absl::StrCat("dev_", subject, "_", n));
  event.set_type("event.updated");
  event.set_source("scheduling");
  event.set_time_unix_ms(1735689600000 + n);
  event.set_subject(subject);
  event.set_org_id("org_1");
  event.set_data_type("events.v1.EventChanged");
  event.set_data(absl::StrCat(std::string("\0bin", 4), n));
  return event;
}

class EventBusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = events::testing::TestRedisOptions();
    // Without a test Redis, stop here rather than touch whatever listens on the default port.
    ASSERT_FALSE(HasFailure());
    redis_ = std::make_unique<events::redis::RedisClient>(options_);
  }

  ConsumerOptions Options(const std::string& consumer) {
    ConsumerOptions options;
    options.group = "workers";
    options.consumer = consumer;
    return options;
  }

  // Publishes to the partition of the event's subject, as services do.
  std::string PublishOrDie(const events::v1::DomainEvent& event) {
    absl::StatusOr<std::string> id =
        Publish(*redis_, keys_, keys_.PartitionOf(event.subject()), event);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : "";
  }

  int64_t Pending(int partition) {
    absl::StatusOr<ReplyPtr> reply =
        redis_->Command({"XPENDING", keys_.Stream(partition), "workers"});
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? AsInt(ArrayAt(**reply, 0)) : -1;
  }

  int64_t Length(const std::string& stream) {
    absl::StatusOr<ReplyPtr> reply = redis_->Command({"XLEN", stream});
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? AsInt(**reply) : -1;
  }

  // Polls until `done` holds or 5 s pass; returns everything delivered on the way.
  std::vector<Delivery> PollUntil(Consumer& consumer,
                                  const std::function<bool(const std::vector<Delivery>&)>& done) {
    std::vector<Delivery> all;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!done(all) && std::chrono::steady_clock::now() < deadline) {
      absl::StatusOr<std::vector<Delivery>> batch = consumer.Poll();
      EXPECT_TRUE(batch.ok()) << batch.status();
      if (!batch.ok()) break;
      for (Delivery& d : *batch) all.push_back(std::move(d));
      std::this_thread::sleep_for(milliseconds(5));  // pacing, not waiting for an outcome
    }
    return all;
  }

  events::redis::RedisOptions options_;
  std::unique_ptr<events::redis::RedisClient> redis_;
  Keyspace keys_{events::testing::UniqueKeyPrefix(), kPartitions};
};

TEST_F(EventBusTest, PollReturnsPublishedEventsInOrderWithFieldsIntact) {
  std::vector<events::v1::DomainEvent> sent;
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    sent.push_back(MakeEvent("ev_ORDER", i));
    ids.push_back(PublishOrDie(sent.back()));
  }
  // Published before the group existed: the group starts from the beginning.
  Consumer consumer(*redis_, keys_, Options("c1"));
  ASSERT_TRUE(consumer.EnsureGroups().ok());
  ASSERT_TRUE(consumer.EnsureGroups().ok());  // idempotent

  absl::StatusOr<std::vector<Delivery>> got = consumer.Poll();
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), sent.size());
  for (size_t i = 0; i < sent.size(); ++i) {
    const Delivery& d = (*got)[i];
    EXPECT_EQ(d.partition, keys_.PartitionOf("ev_ORDER"));
    EXPECT_EQ(d.stream_id, ids[i]);
    EXPECT_EQ(d.delivery_count, 1);
    EXPECT_EQ(d.parse_error, "");
    events::v1::DomainEvent expected = sent[i];
    expected.set_stream_id(ids[i]);
    EXPECT_EQ(d.event.SerializeAsString(), expected.SerializeAsString()) << i;
  }
  got = consumer.Poll();
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->empty());
}

TEST_F(EventBusTest, PollRespectsBatchSizeAcrossPartitions) {
  Consumer consumer(*redis_, keys_, [&] {
    ConsumerOptions options = Options("c1");
    options.batch_size = 3;
    return options;
  }());
  ASSERT_TRUE(consumer.EnsureGroups().ok());
  std::set<std::string> sent;
  for (int i = 0; i < 10; ++i) sent.insert(MakeEvent(absl::StrCat("ev_B", i), i).id());
  for (int i = 0; i < 10; ++i) PublishOrDie(MakeEvent(absl::StrCat("ev_B", i), i));

  std::set<std::string> seen;
  for (int round = 0; round < 10 && seen.size() < sent.size(); ++round) {
    absl::StatusOr<std::vector<Delivery>> got = consumer.Poll();
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_LE(got->size(), 3u);
    for (const Delivery& d : *got) EXPECT_TRUE(seen.insert(d.event.id()).second);
  }
  EXPECT_EQ(seen, sent);
}

// Claims count against the batch like new entries, and come first: the batch is shared out
// over the partitions in turn, each taking what it has.
TEST_F(EventBusTest, ClaimedAndNewEntriesShareTheBatch) {
  Consumer first(*redis_, keys_, Options("first"));
  ConsumerOptions quick = Options("second");
  quick.claim_idle = milliseconds(20);
  quick.batch_size = 3;
  Consumer second(*redis_, keys_, quick);
  ASSERT_TRUE(first.EnsureGroups().ok());
  // Two entries of one partition taken by "first" and never acked...
  PublishOrDie(MakeEvent("ev_SHARE", 1));
  PublishOrDie(MakeEvent("ev_SHARE", 2));
  absl::StatusOr<std::vector<Delivery>> taken = first.Poll();
  ASSERT_TRUE(taken.ok()) << taken.status();
  ASSERT_EQ(taken->size(), 2u);
  // ...and five new ones of the same partition.
  for (int i = 3; i <= 7; ++i) PublishOrDie(MakeEvent("ev_SHARE", i));
  std::this_thread::sleep_for(milliseconds(40));  // past claim_idle: the two are stuck

  absl::StatusOr<std::vector<Delivery>> got = second.Poll();
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0].event.id(), taken->at(0).event.id());
  EXPECT_EQ((*got)[0].delivery_count, 2);
  EXPECT_EQ((*got)[1].event.id(), taken->at(1).event.id());
  EXPECT_EQ((*got)[2].event.id(), MakeEvent("ev_SHARE", 3).id());
  EXPECT_EQ((*got)[2].delivery_count, 1);
  std::vector<Delivery> rest =
      PollUntil(second, [](const std::vector<Delivery>& all) { return all.size() >= 4; });
  ASSERT_EQ(rest.size(), 4u);
  EXPECT_EQ(rest.back().event.id(), MakeEvent("ev_SHARE", 7).id());
}

// Many partitions, each with something: every entry once, no poll over the batch, and the
// rotating start reaches every partition.
TEST_F(EventBusTest, PollDrainsManyPartitionsWithinTheBatch) {
  const Keyspace many(events::testing::UniqueKeyPrefix(), 64);
  ConsumerOptions options = Options("c1");
  options.batch_size = 10;
  Consumer consumer(*redis_, many, options);
  ASSERT_TRUE(consumer.EnsureGroups().ok());
  std::set<std::string> sent;
  for (int i = 0; i < 200; ++i) {
    const events::v1::DomainEvent event = MakeEvent(absl::StrCat("ev_MANY", i), i);
    ASSERT_TRUE(Publish(*redis_, many, i % 64, event).ok());
    sent.insert(event.id());
  }
  std::set<std::string> seen;
  std::set<int> partitions;
  for (int round = 0; round < 40 && seen.size() < sent.size(); ++round) {
    absl::StatusOr<std::vector<Delivery>> got = consumer.Poll();
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_LE(got->size(), 10u);
    for (const Delivery& d : *got) {
      EXPECT_TRUE(seen.insert(d.event.id()).second) << d.event.id();
      partitions.insert(d.partition);
    }
  }
  EXPECT_EQ(seen, sent);
  EXPECT_EQ(partitions.size(), 64u);
}

TEST_F(EventBusTest, AckRemovesFromPending) {
  Consumer consumer(*redis_, keys_, Options("c1"));
  ASSERT_TRUE(consumer.EnsureGroups().ok());
  PublishOrDie(MakeEvent("ev_ACK", 1));
  const int partition = keys_.PartitionOf("ev_ACK");

  absl::StatusOr<std::vector<Delivery>> got = consumer.Poll();
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ(Pending(partition), 1);
  ASSERT_TRUE(consumer.Ack(got->front()).ok());
  EXPECT_EQ(Pending(partition), 0);
  EXPECT_TRUE(consumer.Ack(got->front()).ok());  // a retried ack is harmless

  Delivery bad = got->front();
  bad.partition = kPartitions;
  EXPECT_EQ(consumer.Ack(bad).code(), absl::StatusCode::kInvalidArgument);
}

// PollAndAck, the loop every projection runs: acks what the handler says to, leaves the rest
// pending, and stops at the handler's first error, acking what came before it.
TEST_F(EventBusTest, PollAndAckAcksWhatWasDoneAndStopsAtAnError) {
  Consumer consumer(*redis_, keys_, Options("c1"));
  ASSERT_TRUE(consumer.EnsureGroups().ok());
  // One subject: one partition, in order.
  for (int i = 0; i < 5; ++i) PublishOrDie(MakeEvent("ev_LOOP", i));
  const int partition = keys_.PartitionOf("ev_LOOP");

  std::vector<std::string> seen;
  absl::StatusOr<PollResult> polled =
      PollAndAck(consumer, [&](const Delivery& d) -> absl::StatusOr<Handled> {
        seen.push_back(d.event.id());
        if (seen.size() == 2) return Handled::kLeavePending;
        if (seen.size() == 4) return absl::UnavailableError("redis went away");
        return Handled::kAck;
      });
  ASSERT_TRUE(polled.ok()) << polled.status();
  EXPECT_EQ(polled->acked, 2);  // the first and the third
  EXPECT_EQ(polled->stopped.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(seen.size(), 4u);  // the fifth was never handed to the handler
  // The second, the fourth and the fifth are still pending.
  EXPECT_EQ(Pending(partition), 3);

  // Nothing new to read (the pending ones come back only after claim_idle): nothing acked.
  absl::StatusOr<PollResult> again = PollAndAck(
      consumer, [](const Delivery&) -> absl::StatusOr<Handled> { return Handled::kAck; });
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->acked, 0);
  EXPECT_TRUE(again->stopped.ok());
  EXPECT_EQ(Pending(partition), 3);
}

TEST_F(EventBusTest, SecondConsumerClaimsAnEntryStuckOnTheFirst) {
  Consumer first(*redis_, keys_, Options("first"));  // claim_idle: one minute
  ConsumerOptions quick = Options("second");
  quick.claim_idle = milliseconds(50);
  Consumer second(*redis_, keys_, quick);
  ASSERT_TRUE(first.EnsureGroups().ok());
  PublishOrDie(MakeEvent("ev_STUCK", 1));

  absl::StatusOr<std::vector<Delivery>> taken = first.Poll();
  ASSERT_TRUE(taken.ok());
  ASSERT_EQ(taken->size(), 1u);  // and "first" then never acks it

  std::vector<Delivery> claimed =
      PollUntil(second, [](const std::vector<Delivery>& all) { return !all.empty(); });
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].stream_id, taken->front().stream_id);
  EXPECT_EQ(claimed[0].event.id(), taken->front().event.id());
  EXPECT_EQ(claimed[0].delivery_count, 2);
  ASSERT_TRUE(second.Ack(claimed[0]).ok());
  EXPECT_EQ(Pending(claimed[0].partition), 0);
}

TEST_F(EventBusTest, EntryPastMaxDeliveriesIsDeadLetteredOnceAndAcked) {
  ConsumerOptions options = Options("c1");
  options.claim_idle = milliseconds(20);
  options.max_deliveries = 2;
  Consumer consumer(*redis_, keys_, options);
  ASSERT_TRUE(consumer.EnsureGroups().ok());
  const events::v1::DomainEvent event = MakeEvent("ev_POISON", 1);
  const std::string id = PublishOrDie(event);
  const int partition = keys_.PartitionOf("ev_POISON");
  const std::string dead = keys_.DeadLetterStream(partition);

  // Never acked: delivered once new, once more when reclaimed, then dead-lettered.
  std::vector<Delivery> deliveries =
      PollUntil(consumer, [&](const std::vector<Delivery>&) { return Length(dead) > 0; });
  ASSERT_EQ(deliveries.size(), 2u);
  EXPECT_EQ(deliveries[0].delivery_count, 1);
  EXPECT_EQ(deliveries[1].delivery_count, 2);
  EXPECT_EQ(Pending(partition), 0);

  // Further polls, past claim_idle, neither deliver it again nor dead-letter it again.
  const auto until = std::chrono::steady_clock::now() + milliseconds(150);
  while (std::chrono::steady_clock::now() < until) {
    absl::StatusOr<std::vector<Delivery>> more = consumer.Poll();
    ASSERT_TRUE(more.ok());
    EXPECT_TRUE(more->empty());
    std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_EQ(Length(dead), 1);

  absl::StatusOr<ReplyPtr> entries = redis_->Command({"XRANGE", dead, "-", "+"});
  ASSERT_TRUE(entries.ok());
  const redisReply& fields = ArrayAt(ArrayAt(**entries, 0), 1);
  std::vector<std::pair<std::string, std::string>> pairs;
  for (size_t i = 0; i + 1 < ArraySize(fields); i += 2) {
    pairs.emplace_back(AsString(ArrayAt(fields, i)), AsString(ArrayAt(fields, i + 1)));
  }
  auto field = [&](const std::string& name) {
    for (const auto& [n, v] : pairs) {
      if (n == name) return v;
    }
    return std::string("<missing>");
  };
  EXPECT_EQ(field("deliveries"), "2");
  EXPECT_TRUE(absl::StrContains(field("dead_reason"), "max_deliveries 2")) << field("dead_reason");
  EXPECT_EQ(field("dead_group"), "workers");
  EXPECT_EQ(field("dead_stream_id"), id);
  absl::StatusOr<events::v1::DomainEvent> copy = FromStreamFields(pairs);
  ASSERT_TRUE(copy.ok()) << copy.status();
  EXPECT_EQ(copy->SerializeAsString(), event.SerializeAsString());
}

TEST_F(EventBusTest, RacingConsumersDeadLetterEachEntryExactlyOnce) {
  constexpr int kEvents = 20;
  ConsumerOptions options = Options("");
  options.claim_idle = milliseconds(10);
  options.max_deliveries = 1;
  for (int i = 0; i < kEvents; ++i) PublishOrDie(MakeEvent(absl::StrCat("ev_RACE", i), i));
  auto dead_total = [&] {
    int64_t total = 0;
    for (int p = 0; p < kPartitions; ++p) total += Length(keys_.DeadLetterStream(p));
    return total;
  };

  std::vector<std::thread> threads;
  for (const char* name : {"a", "b"}) {
    threads.emplace_back([&, name] {
      events::redis::RedisClient redis(options_);
      ConsumerOptions mine = options;
      mine.consumer = name;
      Consumer consumer(redis, keys_, mine);
      ASSERT_TRUE(consumer.EnsureGroups().ok());
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (dead_total() < kEvents && std::chrono::steady_clock::now() < deadline) {
        ASSERT_TRUE(consumer.Poll().ok());  // never acks
      }
      for (int extra = 0; extra < 5; ++extra) ASSERT_TRUE(consumer.Poll().ok());
    });
  }
  for (std::thread& t : threads) t.join();

  EXPECT_EQ(dead_total(), kEvents);
  std::set<std::string> dead_ids;
  for (int p = 0; p < kPartitions; ++p) {
    EXPECT_EQ(Pending(p), 0);
    absl::StatusOr<ReplyPtr> entries =
        redis_->Command({"XRANGE", keys_.DeadLetterStream(p), "-", "+"});
    ASSERT_TRUE(entries.ok());
    for (size_t i = 0; i < ArraySize(**entries); ++i) {
      const redisReply& fields = ArrayAt(ArrayAt(**entries, i), 1);
      for (size_t f = 0; f + 1 < ArraySize(fields); f += 2) {
        if (AsString(ArrayAt(fields, f)) == "id") dead_ids.insert(AsString(ArrayAt(fields, f + 1)));
      }
    }
  }
  EXPECT_EQ(dead_ids.size(), static_cast<size_t>(kEvents));
}

TEST_F(EventBusTest, EventAddedByALuaScriptIsReadByTheConsumer) {
  Consumer consumer(*redis_, keys_, Options("c1"));
  ASSERT_TRUE(consumer.EnsureGroups().ok());
  const int partition = keys_.PartitionOf("ev_LUA");
  // A state change and its event in one script, as the stores do it.
  const events::redis::LuaScript& script = test_lua::StateAndEvent();
  const events::v1::DomainEvent event = MakeEvent("ev_LUA", 7);
  std::vector<std::string> args = {"1000"};
  const std::vector<std::string> fields = ToStreamFields(event);
  args.insert(args.end(), fields.begin(), fields.end());
  const std::string state_key = keys_.PartitionPrefix(partition) + "state";

  absl::StatusOr<ReplyPtr> added = redis_->Eval(script, {keys_.Stream(partition), state_key}, args);
  ASSERT_TRUE(added.ok()) << added.status();
  const std::string stream_id = AsString(**added);
  EXPECT_FALSE(stream_id.empty());

  absl::StatusOr<std::vector<Delivery>> got = consumer.Poll();
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ(got->front().stream_id, stream_id);
  EXPECT_EQ(got->front().parse_error, "");
  events::v1::DomainEvent expected = event;
  expected.set_stream_id(stream_id);
  EXPECT_EQ(got->front().event.SerializeAsString(), expected.SerializeAsString());

  // A script that points xadd_event at the wrong ARGV index fails instead of writing junk.
  absl::StatusOr<ReplyPtr> misaligned =
      redis_->Eval(test_lua::Misaligned(), {keys_.Stream(partition)}, args);
  EXPECT_EQ(misaligned.status().code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(absl::StrContains(misaligned.status().message(), "xadd_event"))
      << misaligned.status();
  EXPECT_EQ(Length(keys_.Stream(partition)), 1);
}

TEST_F(EventBusTest, TrimmedPendingEntryIsAckedNotDelivered) {
  Consumer first(*redis_, keys_, Options("first"));
  ConsumerOptions quick = Options("second");
  quick.claim_idle = milliseconds(20);
  Consumer second(*redis_, keys_, quick);
  ASSERT_TRUE(first.EnsureGroups().ok());
  const std::string id = PublishOrDie(MakeEvent("ev_TRIM", 1));
  const int partition = keys_.PartitionOf("ev_TRIM");
  ASSERT_EQ(first.Poll()->size(), 1u);
  ASSERT_TRUE(redis_->Command({"XDEL", keys_.Stream(partition), id}).ok());
  ASSERT_EQ(Pending(partition), 1);

  std::vector<Delivery> got =
      PollUntil(second, [&](const std::vector<Delivery>&) { return Pending(partition) == 0; });
  EXPECT_TRUE(got.empty());
  EXPECT_EQ(Pending(partition), 0);
  EXPECT_EQ(Length(keys_.DeadLetterStream(partition)), 0);
}

TEST_F(EventBusTest, UnparseableEntryIsDeliveredWithParseError) {
  Consumer consumer(*redis_, keys_, Options("c1"));
  ASSERT_TRUE(consumer.EnsureGroups().ok());
  ASSERT_TRUE(redis_->Command({"XADD", keys_.Stream(1), "*", "type", "x.y"}).ok());
  absl::StatusOr<std::vector<Delivery>> got = consumer.Poll();
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 1u);
  EXPECT_TRUE(absl::StrContains(got->front().parse_error, "no id")) << got->front().parse_error;
  EXPECT_TRUE(consumer.Ack(got->front()).ok());
}

TEST_F(EventBusTest, PollRecreatesAGroupThatVanished) {
  Consumer consumer(*redis_, keys_, Options("c1"));
  ASSERT_TRUE(consumer.EnsureGroups().ok());
  const int partition = keys_.PartitionOf("ev_GONE");
  ASSERT_TRUE(redis_->Command({"DEL", keys_.Stream(partition)}).ok());  // e.g. FLUSHDB
  PublishOrDie(MakeEvent("ev_GONE", 1));
  absl::StatusOr<std::vector<Delivery>> got = consumer.Poll();
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ(got->front().event.subject(), "ev_GONE");
}

TEST_F(EventBusTest, PollMakesTheGroupWhenAStreamAppearsWithoutIt) {
  Consumer consumer(*redis_, keys_, Options("c1"));  // no EnsureGroups: nothing exists
  absl::StatusOr<std::vector<Delivery>> none = consumer.Poll();
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());
  PublishOrDie(MakeEvent("ev_LATE", 1));  // the stream, without the group
  PublishOrDie(MakeEvent("ev_LATE", 2));
  absl::StatusOr<std::vector<Delivery>> got = consumer.Poll();
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 2u);  // the group is made from the start of the stream
  EXPECT_EQ(got->front().event.id(), MakeEvent("ev_LATE", 1).id());
}

TEST_F(EventBusTest, PublishRejectsBadInput) {
  events::v1::DomainEvent event = MakeEvent("ev_BAD", 1);
  EXPECT_EQ(Publish(*redis_, keys_, kPartitions, event).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Publish(*redis_, keys_, -1, event).status().code(), absl::StatusCode::kInvalidArgument);
  event.clear_id();
  EXPECT_EQ(Publish(*redis_, keys_, 0, event).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace events::bus
