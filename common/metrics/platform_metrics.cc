// PlatformMetrics: the Redis client's and the queues' metrics, and the thread that keeps the
// queue figures and events_redis_up current.

#include "common/metrics/platform_metrics.h"

#include <spdlog/spdlog.h>

#include <limits>
#include <string>
#include <utility>

#include "common/redis/redis_client.h"

namespace events::metrics {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

ClientMetric Value(MetricType type, double value,
                   std::vector<prometheus::ClientMetric::Label> labels = {}) {
  ClientMetric metric;
  metric.label = std::move(labels);
  if (type == MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  return metric;
}

ClientMetric Histogram(const redis::LatencyHistogram::Snapshot& snapshot,
                       std::vector<prometheus::ClientMetric::Label> labels = {}) {
  ClientMetric metric;
  metric.label = std::move(labels);
  metric.histogram.sample_count = snapshot.count;
  metric.histogram.sample_sum = snapshot.sum_seconds;
  uint64_t cumulative = 0;
  for (size_t i = 0; i < snapshot.counts.size(); ++i) {
    cumulative += snapshot.counts[i];
    const double bound = i < redis::LatencyHistogram::kBounds.size()
                             ? redis::LatencyHistogram::kBounds[i]
                             : std::numeric_limits<double>::infinity();
    metric.histogram.bucket.push_back({cumulative, bound});
  }
  return metric;
}

}  // namespace

RedisCollector::RedisCollector(std::shared_ptr<const redis::RedisStats> stats,
                               std::chrono::milliseconds up_window)
    : stats_(std::move(stats)), up_window_(up_window) {}

std::vector<MetricFamily> RedisCollector::Collect() const {
  std::vector<MetricFamily> out;
  const redis::RedisStats& s = *stats_;
  const bool up = s.UpSince(std::chrono::steady_clock::now() - up_window_);
  out.push_back({"events_redis_up",
                 "1 when the latest contact with Redis (a command, or the 5 s check) succeeded "
                 "within the last 15 s, else 0.",
                 MetricType::Gauge,
                 {Value(MetricType::Gauge, up ? 1 : 0)}});
  out.push_back({"events_redis_pool_connections",
                 "Connections of the Redis client's pools, lent out (in_use) or idle.",
                 MetricType::Gauge,
                 {Value(MetricType::Gauge, static_cast<double>(s.in_use()), {{"state", "in_use"}}),
                  Value(MetricType::Gauge, static_cast<double>(s.idle()), {{"state", "idle"}})}});
  out.push_back({"events_redis_pool_waits_total",
                 "Redis calls that found every pooled connection busy and had to wait.",
                 MetricType::Counter,
                 {Value(MetricType::Counter, static_cast<double>(s.pool_waits()))}});
  out.push_back({"events_redis_pool_wait_seconds",
                 "How long the calls that had to wait for a pooled connection waited.",
                 MetricType::Histogram,
                 {Histogram(s.pool_wait_seconds())}});
  MetricFamily errors{
      "events_redis_errors_total", "Failed Redis calls, by kind.", MetricType::Counter, {}};
  for (int k = 0; k < redis::kRedisErrorKinds; ++k) {
    const auto kind = static_cast<redis::RedisErrorKind>(k);
    errors.metric.push_back(Value(MetricType::Counter, static_cast<double>(s.errors(kind)),
                                  {{"kind", redis::RedisErrorKindName(kind)}}));
  }
  out.push_back(std::move(errors));
  MetricFamily scripts{"events_redis_script_duration_seconds",
                       "Round trip of one EVALSHA, or of one pipeline of them, by script.",
                       MetricType::Histogram,
                       {}};
  for (const auto& [name, latency] : s.scripts()) {
    scripts.metric.push_back(Histogram(latency, {{"script", name}}));
  }
  out.push_back(std::move(scripts));
  return out;
}

QueueCollector::QueueCollector(std::shared_ptr<const bus::QueueWatch> watch)
    : watch_(std::move(watch)) {}

std::vector<MetricFamily> QueueCollector::Collect() const {
  const bus::QueueFigures figures = watch_->Figures();
  std::vector<MetricFamily> out;
  if (!figures.groups.empty()) {
    MetricFamily lag{"events_consumer_lag",
                     "Entries of the group's streams not yet delivered to it (every partition).",
                     MetricType::Gauge,
                     {}};
    MetricFamily pending{"events_consumer_pending",
                         "Entries delivered to the group, not yet acknowledged.",
                         MetricType::Gauge,
                         {}};
    MetricFamily oldest{"events_consumer_oldest_pending_seconds",
                        "Age of the group's oldest pending entry (0 if none), in seconds.",
                        MetricType::Gauge,
                        {}};
    MetricFamily redeliveries{"events_consumer_redeliveries_total",
                              "Entries this process claimed after claim_idle and handed out again.",
                              MetricType::Counter,
                              {}};
    MetricFamily dead{"events_consumer_dead_letters_total",
                      "Entries this process moved to the dead-letter stream.",
                      MetricType::Counter,
                      {}};
    for (const bus::GroupFigures& g : figures.groups) {
      std::vector<ClientMetric::Label> label = {{"group", g.group}};
      lag.metric.push_back(Value(MetricType::Gauge, static_cast<double>(g.lag), label));
      pending.metric.push_back(Value(MetricType::Gauge, static_cast<double>(g.pending), label));
      oldest.metric.push_back(Value(MetricType::Gauge, g.oldest_pending_seconds, label));
      redeliveries.metric.push_back(
          Value(MetricType::Counter, static_cast<double>(g.redeliveries), label));
      dead.metric.push_back(Value(MetricType::Counter, static_cast<double>(g.dead_letters), label));
    }
    for (MetricFamily* f : {&lag, &pending, &oldest, &redeliveries, &dead}) {
      out.push_back(std::move(*f));
    }
  }
  if (!figures.groups.empty() || !figures.queues.empty()) {
    out.push_back({"events_dead_letter_entries",
                   "Entries in the dead-letter streams (every partition).",
                   MetricType::Gauge,
                   {Value(MetricType::Gauge, static_cast<double>(figures.dead_letter_entries))}});
  }
  if (!figures.queues.empty()) {
    MetricFamily due{"events_delayed_jobs_due",
                     "Delayed jobs whose time has come, not yet fired.",
                     MetricType::Gauge,
                     {}};
    MetricFamily overdue{"events_delayed_jobs_overdue",
                         "Delayed jobs due more than 60 s ago, not yet fired.",
                         MetricType::Gauge,
                         {}};
    MetricFamily fired{"events_delayed_jobs_fired_total",
                       "Delayed jobs this process fired.",
                       MetricType::Counter,
                       {}};
    for (const bus::JobQueueFigures& q : figures.queues) {
      std::vector<ClientMetric::Label> label = {{"queue", q.queue}};
      due.metric.push_back(Value(MetricType::Gauge, static_cast<double>(q.due), label));
      overdue.metric.push_back(Value(MetricType::Gauge, static_cast<double>(q.overdue), label));
      fired.metric.push_back(Value(MetricType::Counter, static_cast<double>(q.fired), label));
    }
    for (MetricFamily* f : {&due, &overdue, &fired}) out.push_back(std::move(*f));
  }
  return out;
}

namespace {

// Both collectors as one.
class Both : public prometheus::Collectable {
 public:
  Both(RedisCollector redis, QueueCollector queues)
      : redis_(std::move(redis)), queues_(std::move(queues)) {}
  std::vector<MetricFamily> Collect() const override {
    std::vector<MetricFamily> out = redis_.Collect();
    std::vector<MetricFamily> more = queues_.Collect();
    out.insert(out.end(), std::make_move_iterator(more.begin()),
               std::make_move_iterator(more.end()));
    return out;
  }

 private:
  const RedisCollector redis_;
  const QueueCollector queues_;
};

}  // namespace

PlatformMetrics::PlatformMetrics(redis::RedisClient& redis, const Clock& clock, Options options)
    : redis_(redis),
      options_(options),
      watch_(std::make_shared<bus::QueueWatch>(redis, clock)),
      collectable_(std::make_shared<Both>(RedisCollector(redis.stats()), QueueCollector(watch_))),
      thread_(options_.check_interval, [this] {
        Tick();
        return false;
      }) {
  thread_.Start();
}

PlatformMetrics::~PlatformMetrics() { thread_.Stop(); }

void PlatformMetrics::Watch(const bus::Consumer& consumer) {
  watch_->Watch(consumer);
  refresh_now_ = true;
}

void PlatformMetrics::Watch(const bus::DelayedJobWorker& worker, const bus::Keyspace& keys) {
  watch_->Watch(worker, keys);
  refresh_now_ = true;
}

void PlatformMetrics::Tick() {
  MutexLock lock(&tick_mu_);
  const auto now = std::chrono::steady_clock::now();
  if (watch_->watching() &&
      (refresh_now_.exchange(false) || now - last_refresh_ >= options_.refresh_interval)) {
    last_refresh_ = now;
    if (absl::Status refreshed = watch_->Refresh(); !refreshed.ok()) {
      spdlog::warn(
          "could not read the consumer groups' and job queues' figures for the metrics "
          "(they keep their last values): {}",
          std::string(refreshed.message()));
    }
    return;
  }
  // The refresh, like any call, counts as contact; a quiet service checks by itself.
  if (now - redis_.stats()->last_ok() >= options_.check_interval) (void)redis_.Ping();
}

}  // namespace events::metrics
