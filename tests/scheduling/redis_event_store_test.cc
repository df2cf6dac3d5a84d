// The scheduling store against a real redis-server (EVENTS_TEST_REDIS_URL).
#include "services/scheduling/store/redis_event_store.h"

#include <atomic>
#include <memory>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/bus/event_bus.h"
#include "common/testing/redis_for_test.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/scheduling/domain/scheduler.h"
#include "services/scheduling/worker/reminder_worker.h"
#include "tests/scheduling/test_events.h"

namespace events::scheduling {
namespace {

using ::testing::ElementsAre;
using testing::kDay;
using testing::kNow;
using testing::Webinar;

constexpr char kOrg[] = "org_riverside";

class RedisEventStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = events::testing::TestRedisOptions();
    ASSERT_FALSE(HasFailure());
    redis_ = std::make_unique<redis::RedisClient>(options_);
    keys_ = std::make_unique<bus::Keyspace>(events::testing::UniqueKeyPrefix(), 16);
    store_ = std::make_unique<RedisEventStore>(*redis_, *keys_, RedisEventStore::Options{});
    scheduler_ = std::make_unique<Scheduler>(*store_, clock_, ids_);
  }

  // Every domain event of a partition stream, in stream order.
  std::vector<events::v1::DomainEvent> Stream(const std::string& id) {
    auto reply = redis_->Command({"XRANGE", keys_->Stream(keys_->PartitionOf(id)), "-", "+"});
    EXPECT_TRUE(reply.ok()) << reply.status();
    std::vector<events::v1::DomainEvent> out;
    if (!reply.ok()) return out;
    for (size_t i = 0; i < redis::ArraySize(**reply); ++i) {
      const redisReply& entry = redis::ArrayAt(**reply, i);
      const redisReply& fields = redis::ArrayAt(entry, 1);
      std::vector<std::pair<std::string, std::string>> pairs;
      for (size_t f = 0; f + 1 < redis::ArraySize(fields); f += 2) {
        pairs.emplace_back(redis::AsString(redis::ArrayAt(fields, f)),
                           redis::AsString(redis::ArrayAt(fields, f + 1)));
      }
      auto event = bus::FromStreamFields(pairs);
      EXPECT_TRUE(event.ok()) << event.status();
      if (event.ok()) out.push_back(*event);
    }
    return out;
  }
  std::vector<std::string> Types(const std::vector<events::v1::DomainEvent>& events,
                                 const std::string& subject) {
    std::vector<std::string> types;
    for (const auto& e : events) {
      if (e.subject() == subject) types.push_back(e.type());
    }
    return types;
  }
  // Rewrites the event's queued reminders as the version before the shared job format stored
  // them: the bare job id as the member and as the payload's field, and in the event's list.
  void ToOldFormat(const std::string& event_id) {
    const std::string prefix = keys_->PartitionPrefix(keys_->PartitionOf(event_id));
    const std::string event_key = keys_->PrefixFor(event_id) + "event:" + event_id;
    auto listed = redis_->Command({"HGET", event_key, "jobs"});
    ASSERT_TRUE(listed.ok()) << listed.status();
    std::vector<std::string> ids;
    for (absl::string_view member : absl::StrSplit(redis::AsString(**listed), ',')) {
      ASSERT_TRUE(absl::ConsumePrefix(&member, "emit:")) << member;
      const std::string id(member.data(), member.size());
      const std::string now_member = "emit:" + id;
      auto due = redis_->Command({"ZSCORE", prefix + "jobs", now_member});
      auto payload = redis_->Command({"HGET", prefix + "jobdata", now_member});
      ASSERT_TRUE(due.ok() && payload.ok());
      ASSERT_FALSE(redis::IsNil(**due) || redis::IsNil(**payload)) << now_member;
      ASSERT_TRUE(redis_->Command({"ZREM", prefix + "jobs", now_member}).ok());
      ASSERT_TRUE(redis_->Command({"HDEL", prefix + "jobdata", now_member}).ok());
      ASSERT_TRUE(redis_->Command({"ZADD", prefix + "jobs", redis::AsString(**due), id}).ok());
      ASSERT_TRUE(
          redis_->Command({"HSET", prefix + "jobdata", id, redis::AsString(**payload)}).ok());
      ids.push_back(id);
    }
    ASSERT_EQ(ids.size(), 3u);
    ASSERT_TRUE(redis_->Command({"HSET", event_key, "jobs", absl::StrJoin(ids, ",")}).ok());
  }
  int64_t CountKeys(const std::string& pattern) {
    return static_cast<int64_t>(
        ::events::testing::KeysMatching(*redis_, keys_->prefix() + pattern).size());
  }

  redis::RedisOptions options_;
  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<bus::Keyspace> keys_;
  std::unique_ptr<RedisEventStore> store_;
  FakeClock clock_{kNow};
  IdGenerator ids_{clock_};
  std::unique_ptr<Scheduler> scheduler_;
};

TEST_F(RedisEventStoreTest, LifecycleIsStoredWithItsDomainEventsInOrder) {
  auto e = scheduler_->Create(kOrg, Webinar());
  ASSERT_TRUE(e.ok()) << e.status();
  ASSERT_TRUE(scheduler_->Publish(kOrg, e->id(), 1).ok());
  events::v1::LocalDateTime start, end;
  start.set_value("2026-03-12T10:00");
  end.set_value("2026-03-12T11:00");
  ASSERT_TRUE(scheduler_->Reschedule(kOrg, e->id(), 2, start, end, "", "Clash").ok());
  ASSERT_TRUE(scheduler_->Cancel(kOrg, e->id(), 3, "Sorry").ok());

  auto stored = store_->Get(e->id());
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->status(), events::v1::EVENT_STATUS_CANCELLED);
  EXPECT_EQ(stored->version(), 4);
  auto stream = Stream(e->id());
  EXPECT_THAT(Types(stream, e->id()), ElementsAre("event.created", "event.published",
                                                  "event.rescheduled", "event.cancelled"));
  events::v1::EventChanged rescheduled;
  ASSERT_TRUE(rescheduled.ParseFromString(stream[2].data()));
  EXPECT_EQ(rescheduled.version(), 3);
  EXPECT_EQ(rescheduled.previous_start_unix_ms(), e->start_unix_ms());
  EXPECT_EQ(rescheduled.reason(), "Clash");
  EXPECT_EQ(stream[2].org_id(), kOrg);
  EXPECT_EQ(stream[2].source(), "scheduling");
  // Cancelled: no reminders left anywhere, and not listed publicly.
  EXPECT_EQ(CountKeys("*jobdata"), 0);
  EXPECT_TRUE(scheduler_->ListUpcoming(0, 0, {})->events.empty());
}

TEST_F(RedisEventStoreTest, StaleWritesAreRefusedAndChangeNothing) {
  auto e = scheduler_->Create(kOrg, Webinar());
  ASSERT_TRUE(e.ok());
  EventWrite stale;
  stale.event = *e;
  stale.event.set_version(5);
  stale.expected_version = 4;
  EXPECT_EQ(store_->Apply({stale}, std::nullopt).code(), absl::StatusCode::kAborted);
  EventWrite again;
  again.event = *e;  // expected 0: must not exist
  EXPECT_EQ(store_->Apply({again}, std::nullopt).code(), absl::StatusCode::kAborted);
  EXPECT_EQ(store_->Get(e->id())->version(), 1);
  EXPECT_EQ(Stream(e->id()).size(), 1u);
}

TEST_F(RedisEventStoreTest, ABatchIsAllOrNothing) {
  auto series_rule = events::v1::RecurrenceRule();
  series_rule.set_frequency(events::v1::FREQUENCY_WEEKLY);
  series_rule.set_count(3);
  auto series = scheduler_->CreateSeries(kOrg, Webinar(), series_rule);
  ASSERT_TRUE(series.ok()) << series.status();
  // Cancel the second behind the series' back, so a batch built from stale reads fails.
  auto second = store_->Get(series->event_ids(1));
  ASSERT_TRUE(second.ok());
  std::vector<EventWrite> batch;
  for (const auto& id : series->event_ids()) {
    EventWrite w;
    w.event = *store_->Get(id);
    w.expected_version = w.event.version();
    w.previous_status = w.event.status();
    w.previous_start_unix_ms = w.event.start_unix_ms();
    w.event.set_version(w.event.version() + 1);
    w.event.set_status(events::v1::EVENT_STATUS_PUBLISHED);
    batch.push_back(w);
  }
  ASSERT_TRUE(scheduler_->Cancel(kOrg, series->event_ids(1), 0, "").ok());
  EXPECT_EQ(store_->Apply(batch, std::nullopt).code(), absl::StatusCode::kAborted);
  EXPECT_EQ(store_->Get(series->event_ids(0))->status(), events::v1::EVENT_STATUS_DRAFT);
  EXPECT_EQ(store_->Get(series->event_ids(2))->status(), events::v1::EVENT_STATUS_DRAFT);
  // The series itself exists once.
  EXPECT_EQ(store_->Apply({}, *series).code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(RedisEventStoreTest, ListingsPageAcrossPartitionsAndFollowStatus) {
  std::vector<std::string> expected;
  for (int day = 11; day <= 27; ++day) {
    auto d = Webinar();
    d.mutable_start()->set_value("2026-03-" + std::to_string(day) + "T10:00");
    d.mutable_end()->set_value("2026-03-" + std::to_string(day) + "T11:00");
    auto e = scheduler_->Create(kOrg, d);
    ASSERT_TRUE(e.ok()) << e.status();
    if (day % 4 != 0) {
      ASSERT_TRUE(scheduler_->Publish(kOrg, e->id(), 0).ok());
      expected.push_back(e->id());
    }
  }
  std::vector<std::string> seen;
  events::v1::PageRequest page;
  page.set_page_size(4);
  for (int guard = 0; guard < 20; ++guard) {
    auto result = scheduler_->ListUpcoming(0, 0, page);
    ASSERT_TRUE(result.ok()) << result.status();
    for (const auto& e : result->events) seen.push_back(e.id());
    if (result->next_page_token.empty()) break;
    page.set_page_token(result->next_page_token);
  }
  EXPECT_EQ(seen, expected);
  auto drafts = scheduler_->ListOrganisation(kOrg, events::v1::EVENT_STATUS_DRAFT, {});
  ASSERT_TRUE(drafts.ok());
  EXPECT_EQ(drafts->events.size(), 4u);  // the 12th, 16th, 20th, 24th
  ASSERT_TRUE(scheduler_->Cancel(kOrg, expected[0], 0, "").ok());
  auto cancelled = scheduler_->ListOrganisation(kOrg, events::v1::EVENT_STATUS_CANCELLED, {});
  ASSERT_EQ(cancelled->events.size(), 1u);
  EXPECT_EQ(cancelled->events[0].id(), expected[0]);
  EXPECT_EQ(
      scheduler_->ListOrganisation(kOrg, events::v1::EVENT_STATUS_PUBLISHED, {})->events.size(),
      expected.size() - 1);
  EXPECT_TRUE(scheduler_->ListOrganisation("org_other", events::v1::EVENT_STATUS_UNSPECIFIED, {})
                  ->events.empty());
}

TEST_F(RedisEventStoreTest, RemindersFireOnceFromAnInjectedClockAndSurviveRestarts) {
  auto e = scheduler_->Create(kOrg, Webinar());
  ASSERT_TRUE(scheduler_->Publish(kOrg, e->id(), 0).ok());
  events::v1::LocalDateTime start, end;
  start.set_value("2026-03-17T10:00");
  end.set_value("2026-03-17T11:00");
  ASSERT_TRUE(scheduler_->Reschedule(kOrg, e->id(), 0, start, end, "", "").ok());
  const int64_t new_start = store_->Get(e->id())->start_unix_ms();
  {
    ReminderWorker worker(*store_, clock_, {}, {});
    clock_.Set(new_start - 7 * kDay - 1);
    EXPECT_EQ(worker.RunOnce().value(), 0);
    clock_.Set(new_start - 7 * kDay);
    EXPECT_EQ(worker.RunOnce().value(), 1);
  }
  // A new process: its own connection, store and worker.
  redis::RedisClient other_redis(options_);
  RedisEventStore other_store(other_redis, *keys_, {});
  ReminderWorker restarted(other_store, clock_, {}, {});
  EXPECT_EQ(restarted.RunOnce().value(), 0);
  clock_.Set(new_start);
  EXPECT_EQ(restarted.RunOnce().value(), 2);
  EXPECT_EQ(restarted.RunOnce().value(), 0);

  std::vector<int> minutes;
  for (const auto& de : Stream(e->id())) {
    if (de.type() != "event.reminder_due") continue;
    events::v1::EventReminderDue r;
    ASSERT_TRUE(r.ParseFromString(de.data()));
    EXPECT_EQ(r.start_unix_ms(), new_start);  // never the old time
    EXPECT_EQ(r.sequence(), 1);
    minutes.push_back(r.minutes_before());
  }
  EXPECT_THAT(minutes, ElementsAre(10080, 1440, 60));
}

// A Redis written by the version before the shared job format holds each reminder as its bare
// job id ("<event>|reminder|<minutes>|s<n>") in {pN}:jobs, its payload under that id in
// {pN}:jobdata, and the event hash's "jobs" lists those ids. They still fire, once, and a
// reschedule replaces them instead of doubling them.
TEST_F(RedisEventStoreTest, RemindersStoredInTheOldFormatStillFire) {
  auto e = scheduler_->Create(kOrg, Webinar());
  ASSERT_TRUE(e.ok()) << e.status();
  ASSERT_TRUE(scheduler_->Publish(kOrg, e->id(), 0).ok());
  ASSERT_NO_FATAL_FAILURE(ToOldFormat(e->id()));
  const int64_t start = store_->Get(e->id())->start_unix_ms();
  ReminderWorker worker(*store_, clock_, {}, {});
  clock_.Set(start - 7 * kDay);
  EXPECT_EQ(worker.RunOnce().value(), 1);
  EXPECT_EQ(worker.RunOnce().value(), 0);
  std::vector<int> minutes;
  for (const auto& de : Stream(e->id())) {
    if (de.type() != "event.reminder_due") continue;
    events::v1::EventReminderDue r;
    ASSERT_TRUE(r.ParseFromString(de.data()));
    EXPECT_EQ(de.id(), absl::StrCat("rem:", e->id(), "|reminder|10080|s", r.sequence()));
    EXPECT_EQ(de.time_unix_ms(), start - 7 * kDay);
    minutes.push_back(r.minutes_before());
  }
  EXPECT_THAT(minutes, ElementsAre(10080));

  events::v1::LocalDateTime new_start, new_end;
  new_start.set_value("2026-03-17T10:00");
  new_end.set_value("2026-03-17T11:00");
  ASSERT_TRUE(scheduler_->Reschedule(kOrg, e->id(), 0, new_start, new_end, "", "").ok());
  // The two old jobs left are gone with their payloads; the three new ones are queued.
  const std::string prefix = keys_->PartitionPrefix(keys_->PartitionOf(e->id()));
  auto members = redis_->Command({"ZRANGE", prefix + "jobs", "0", "-1"});
  ASSERT_TRUE(members.ok());
  ASSERT_EQ(redis::ArraySize(**members), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(absl::StartsWith(redis::AsString(redis::ArrayAt(**members, i)), "emit:"));
  }
  auto payloads = redis_->Command({"HLEN", prefix + "jobdata"});
  ASSERT_TRUE(payloads.ok());
  EXPECT_EQ(redis::AsInt(**payloads), 3);
  clock_.Set(store_->Get(e->id())->start_unix_ms());
  EXPECT_EQ(worker.RunOnce().value(), 3);
  EXPECT_EQ(worker.RunOnce().value(), 0);
}

TEST_F(RedisEventStoreTest, ConcurrentWorkersFireEachReminderExactlyOnce) {
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) {
    auto e = scheduler_->Create(kOrg, Webinar());
    ASSERT_TRUE(e.ok());
    ASSERT_TRUE(scheduler_->Publish(kOrg, e->id(), 0).ok());
    ids.push_back(e->id());
  }
  clock_.Set(kNow + 60 * kDay);
  std::atomic<int> fired{0};
  std::vector<std::thread> workers;
  workers.reserve(8);
  for (int w = 0; w < 8; ++w) {
    workers.emplace_back([&] {
      redis::RedisClient redis(options_);
      RedisEventStore store(redis, *keys_, {});
      ReminderWorker worker(store, clock_, {std::chrono::milliseconds(1), 2}, {});
      for (int round = 0; round < 40; ++round) {
        auto n = worker.RunOnce();
        if (n.ok()) fired += *n;
      }
    });
  }
  for (auto& t : workers) t.join();
  EXPECT_EQ(fired.load(), 60);
  int in_streams = 0;
  for (const auto& id : ids) {
    for (const auto& de : Stream(id))
      in_streams += de.subject() == id && de.type() == "event.reminder_due";
  }
  EXPECT_EQ(in_streams, 60);
}

TEST_F(RedisEventStoreTest, RacingOrganisersNeverLoseAnUpdate) {
  auto e = scheduler_->Create(kOrg, Webinar());
  ASSERT_TRUE(e.ok());
  // Ten organisers publish-or-update at once without expected versions: each change lands.
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  threads.reserve(10);
  for (int i = 0; i < 10; ++i) {
    threads.emplace_back([&, i] {
      redis::RedisClient redis(options_);
      RedisEventStore store(redis, *keys_, {});
      Scheduler scheduler(store, clock_, ids_);
      auto d = Webinar();
      d.set_capacity(100 + i);
      for (int attempt = 0; attempt < 20; ++attempt) {
        auto r = scheduler.Update(kOrg, e->id(), 0, d);
        if (r.ok()) {
          ++ok;
          return;
        }
        if (!absl::IsAborted(r.status())) return;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 10);
  EXPECT_EQ(store_->Get(e->id())->version(), 11);
  EXPECT_EQ(Types(Stream(e->id()), e->id()).size(), 11u);  // created + 10 updates
  // With the same expected version, exactly one of two wins.
  auto a = scheduler_->Publish(kOrg, e->id(), 11);
  auto b = scheduler_->Cancel(kOrg, e->id(), 11, "");
  EXPECT_TRUE(a.ok());
  EXPECT_EQ(b.status().code(), absl::StatusCode::kAborted);
}

TEST_F(RedisEventStoreTest, RedisDownIsUnavailable) {
  redis::RedisClient down(::events::testing::UnreachableRedisOptions(options_));
  RedisEventStore store(down, *keys_, {});
  Scheduler scheduler(store, clock_, ids_);
  EXPECT_EQ(scheduler.Create(kOrg, Webinar()).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store.FireDueJobs(0, kNow, 10).status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace events::scheduling
