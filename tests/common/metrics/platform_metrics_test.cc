// The platform metrics of Redis and the queues against a real redis-server
// (EVENTS_TEST_REDIS_URL, a cluster too): the Redis client's counters move when it calls,
// fails and waits; consumer-group and delayed-job figures equal what the test made. Each
// test has its own key prefix.

#include "common/metrics/platform_metrics.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/bus/event_bus.h"
#include "common/redis/redis_client.h"
#include "common/testing/redis_for_test.h"
#include "common/util/clock.h"

namespace events::metrics {
namespace {

using redis::RedisErrorKind;
using std::chrono::milliseconds;

constexpr int kPartitions = 4;

// The value of `name`{labels} in `families` (a histogram's sample count); -1 if absent.
double Find(const std::vector<prometheus::MetricFamily>& families, const std::string& name,
            const std::map<std::string, std::string>& labels = {}) {
  for (const prometheus::MetricFamily& family : families) {
    if (family.name != name) continue;
    for (const prometheus::ClientMetric& m : family.metric) {
      std::map<std::string, std::string> have;
      for (const auto& l : m.label) have[l.name] = l.value;
      bool match = true;
      for (const auto& [k, v] : labels) match = match && have[k] == v;
      if (!match) continue;
      switch (family.type) {
        case prometheus::MetricType::Counter:
          return m.counter.value;
        case prometheus::MetricType::Histogram:
          return static_cast<double>(m.histogram.sample_count);
        default:
          return m.gauge.value;
      }
    }
  }
  return -1;
}

class PlatformMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = events::testing::TestRedisOptions();
    ASSERT_FALSE(HasFailure());
    redis_ = std::make_unique<redis::RedisClient>(options_);
    keys_ = std::make_unique<bus::Keyspace>(events::testing::UniqueKeyPrefix(), kPartitions);
  }
  std::vector<prometheus::MetricFamily> RedisFamilies() {
    return RedisCollector(redis_->stats()).Collect();
  }

  redis::RedisOptions options_;
  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<bus::Keyspace> keys_;
  SystemClock clock_;
};

TEST_F(PlatformMetricsTest, AScriptCallIsObservedUnderItsName) {
  const redis::LuaScript script("test_metrics_echo", "#!lua\nreturn ARGV[1]");
  ASSERT_TRUE(redis_->Eval(script, {keys_->Global("k")}, {"x"}).ok());
  ASSERT_TRUE(
      redis_->EvalMany(script, {{{keys_->Global("k")}, {"a"}}, {{keys_->Global("k")}, {"b"}}})
          .ok());
  // One observation per round trip: Eval, then the pipeline of two.
  EXPECT_EQ(Find(RedisFamilies(), "events_redis_script_duration_seconds",
                 {{"script", "test_metrics_echo"}}),
            2);
  EXPECT_EQ(Find(RedisFamilies(), "events_redis_up"), 1);
  EXPECT_EQ(Find(RedisFamilies(), "events_redis_errors_total", {{"kind", "script"}}), 0);
}

TEST_F(PlatformMetricsTest, FailedCallsAreCountedByKind) {
  const redis::LuaScript failing("test_metrics_fail", "#!lua\nerror('on purpose')");
  EXPECT_FALSE(redis_->Eval(failing, {keys_->Global("k")}, {}).ok());
  EXPECT_EQ(redis_->stats()->errors(RedisErrorKind::kScript), 1U);

  // WRONGTYPE: an error reply that is not a script's.
  ASSERT_TRUE(redis_->Command({"SET", keys_->Global("str"), "v"}).ok());
  EXPECT_FALSE(redis_->Command({"LPUSH", keys_->Global("str"), "x"}).ok());
  EXPECT_EQ(redis_->stats()->errors(RedisErrorKind::kOther), 1U);

  // Nothing listens there.
  redis::RedisClient nowhere(events::testing::UnreachableRedisOptions(options_));
  EXPECT_FALSE(nowhere.Command({"PING"}).ok());
  EXPECT_GE(nowhere.stats()->errors(RedisErrorKind::kConnection), 1U);
  EXPECT_EQ(Find(RedisCollector(nowhere.stats()).Collect(), "events_redis_up"), 0);

  // A user Redis does not know.
  redis::RedisOptions stranger = options_;
  stranger.user = "no_such_user_for_metrics";
  stranger.password = "wrong";
  redis::RedisClient refused(stranger);
  EXPECT_FALSE(refused.Command({"PING"}).ok());
  EXPECT_GE(refused.stats()->errors(RedisErrorKind::kAuth), 1U);
  EXPECT_EQ(Find(RedisCollector(refused.stats()).Collect(), "events_redis_up"), 0);

  // Redis holds the reply past the command timeout (BLPOP waits 1 s; we wait 100 ms).
  redis::RedisOptions hasty = options_;
  hasty.command_timeout = milliseconds(100);
  redis::RedisClient impatient(hasty);
  EXPECT_FALSE(impatient.Command({"BLPOP", keys_->Global("empty"), "1"}).ok());
  EXPECT_EQ(impatient.stats()->errors(RedisErrorKind::kTimeout), 1U);

  EXPECT_EQ(Find(RedisFamilies(), "events_redis_errors_total", {{"kind", "script"}}), 1);
  EXPECT_EQ(Find(RedisFamilies(), "events_redis_errors_total", {{"kind", "other"}}), 1);
  EXPECT_EQ(Find(RedisFamilies(), "events_redis_errors_total", {{"kind", "redirect"}}), 0);
}

TEST_F(PlatformMetricsTest, CallsThatFindThePoolBusyAreCountedAsWaits) {
  redis::RedisOptions one = options_;
  one.pool_size = 1;
  redis::RedisClient redis(one);
  // A plain client on a cluster has a pool per node: aim both calls at one key's node.
  const std::string key = keys_->Global("wait");
  ASSERT_TRUE(redis.Command({"DEL", key}).ok());
  EXPECT_EQ(Find(RedisCollector(redis.stats()).Collect(), "events_redis_pool_connections",
                 {{"state", "idle"}}),
            1);
  std::thread holder([&] { (void)redis.Command({"BLPOP", key, "0.3"}); });
  // Until the holder has the connection, a call would not wait.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (redis.stats()->in_use() < 1 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(milliseconds(1));
  }
  EXPECT_EQ(Find(RedisCollector(redis.stats()).Collect(), "events_redis_pool_connections",
                 {{"state", "in_use"}}),
            1);
  EXPECT_TRUE(redis.Command({"GET", key}).ok());
  holder.join();
  EXPECT_EQ(redis.stats()->pool_waits(), 1U);
  EXPECT_EQ(Find(RedisCollector(redis.stats()).Collect(), "events_redis_pool_wait_seconds"), 1);
  EXPECT_EQ(redis.stats()->in_use(), 0);
}

TEST_F(PlatformMetricsTest, ConsumerFiguresEqualWhatTheGroupHas) {
  for (int i = 0; i < 10; ++i) {
    events::v1::DomainEvent event;
    event.set_id(absl::StrCat("dev_m", i));
    event.set_type("event.updated");
    event.set_source("test");
    event.set_subject(absl::StrCat("ev_", i));
    ASSERT_TRUE(bus::Publish(*redis_, *keys_, i % kPartitions, event).ok());
  }
  bus::ConsumerOptions options;
  options.group = "metrics-test";
  options.consumer = "c1";
  options.batch_size = 4;
  options.claim_idle = milliseconds(1);
  options.max_deliveries = 1;
  bus::Consumer consumer(*redis_, *keys_, options);
  ASSERT_TRUE(consumer.EnsureGroups().ok());
  absl::StatusOr<std::vector<bus::Delivery>> got = consumer.Poll();
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 4U);

  bus::QueueWatch watch(*redis_, clock_);
  watch.Watch(consumer);
  ASSERT_TRUE(watch.Refresh().ok());
  bus::QueueFigures figures = watch.Figures();
  ASSERT_EQ(figures.groups.size(), 1U);
  EXPECT_EQ(figures.groups[0].lag, 6);
  EXPECT_EQ(figures.groups[0].pending, 4);
  EXPECT_GE(figures.groups[0].oldest_pending_seconds, 0);
  EXPECT_LT(figures.groups[0].oldest_pending_seconds, 60);
  EXPECT_EQ(figures.dead_letter_entries, 0);

  // Never acknowledged, and past claim_idle with max_deliveries 1: later polls dead-letter
  // every entry (and read the rest, which go the same way).
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (consumer.counts()->dead_letters.load() < 10 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(milliseconds(5));
    ASSERT_TRUE(consumer.Poll().ok());
  }
  ASSERT_TRUE(watch.Refresh().ok());
  std::vector<prometheus::MetricFamily> families =
      QueueCollector(std::shared_ptr<const bus::QueueWatch>(&watch, [](const bus::QueueWatch*) {
      })).Collect();
  EXPECT_EQ(Find(families, "events_consumer_dead_letters_total", {{"group", "metrics-test"}}), 10);
  EXPECT_EQ(Find(families, "events_dead_letter_entries"), 10);
  // Dead-lettered at their first claim: none was handed out again.
  EXPECT_EQ(Find(families, "events_consumer_redeliveries_total", {{"group", "metrics-test"}}), 0);
  EXPECT_EQ(Find(families, "events_consumer_lag", {{"group", "metrics-test"}}), 0);
  EXPECT_EQ(Find(families, "events_consumer_pending", {{"group", "metrics-test"}}), 0);
}

TEST_F(PlatformMetricsTest, AClaimedEntryCountsAsARedelivery) {
  events::v1::DomainEvent event;
  event.set_id("dev_r1");
  event.set_type("event.updated");
  event.set_source("test");
  ASSERT_TRUE(bus::Publish(*redis_, *keys_, 0, event).ok());
  bus::ConsumerOptions options;
  options.group = "metrics-redeliver";
  options.consumer = "c1";
  options.claim_idle = milliseconds(1);
  options.max_deliveries = 5;
  bus::Consumer consumer(*redis_, *keys_, options);
  ASSERT_TRUE(consumer.EnsureGroups().ok());
  ASSERT_EQ(consumer.Poll()->size(), 1U);
  std::this_thread::sleep_for(milliseconds(5));
  ASSERT_EQ(consumer.Poll()->size(), 1U);  // claimed again: not acknowledged
  EXPECT_EQ(consumer.counts()->redeliveries.load(), 1U);
  bus::QueueWatch watch(*redis_, clock_);
  watch.Watch(consumer);
  ASSERT_TRUE(watch.Refresh().ok());
  EXPECT_EQ(watch.Figures().groups[0].redeliveries, 1U);
  EXPECT_EQ(watch.Figures().groups[0].pending, 1);
  EXPECT_EQ(watch.Figures().groups[0].lag, 0);
}

TEST_F(PlatformMetricsTest, DelayedJobsDueAndOverdueAreCountedOverEveryPartition) {
  const int64_t now = clock_.NowUnixMs();
  auto jobs = [&](int p) { return keys_->PartitionPrefix(p) + "tjobs"; };
  ASSERT_TRUE(redis_->Command({"ZADD", jobs(0), absl::StrCat(now - 1000), "a:1"}).ok());
  ASSERT_TRUE(redis_->Command({"ZADD", jobs(1), absl::StrCat(now - 5000), "a:2"}).ok());
  ASSERT_TRUE(redis_->Command({"ZADD", jobs(2), absl::StrCat(now - 120000), "a:3"}).ok());
  ASSERT_TRUE(redis_->Command({"ZADD", jobs(3), absl::StrCat(now + 600000), "a:4"}).ok());
  bus::DelayedJobWorker worker("test", {"test-queue", "tjobs"}, kPartitions,
                               [](int, int) -> absl::StatusOr<int> { return 1; });
  ASSERT_EQ(*worker.RunOnce(), kPartitions);

  PlatformMetrics platform(*redis_, clock_, {std::chrono::hours(1), std::chrono::hours(1)});
  platform.Watch(worker, *keys_);
  platform.Tick();  // a new watch: refreshed at once
  std::vector<prometheus::MetricFamily> families = platform.collectable()->Collect();
  EXPECT_EQ(Find(families, "events_delayed_jobs_due", {{"queue", "test-queue"}}), 3);
  EXPECT_EQ(Find(families, "events_delayed_jobs_overdue", {{"queue", "test-queue"}}), 1);
  EXPECT_EQ(Find(families, "events_delayed_jobs_fired_total", {{"queue", "test-queue"}}), 4);
  EXPECT_EQ(Find(families, "events_dead_letter_entries"), 0);
  EXPECT_EQ(Find(families, "events_redis_up"), 1);
  EXPECT_GE(Find(families, "events_redis_script_duration_seconds", {{"script", "bus_watch"}}), 1);
}

}  // namespace
}  // namespace events::metrics
