#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "common/bus/queue_watch.h"
#include "common/redis/redis_stats.h"
#include "common/util/mutex.h"
#include "common/util/polling_thread.h"

namespace events::redis {
class RedisClient;
}

namespace events::metrics {

// The Redis client's figures (redis::RedisStats) as Prometheus metrics: events_redis_up,
// events_redis_pool_connections{state}, events_redis_pool_waits_total,
// events_redis_pool_wait_seconds, events_redis_errors_total{kind},
// events_redis_script_duration_seconds{script}. Read at each scrape (no Redis call).
// events_redis_up is 1 when the latest contact with Redis succeeded within `up_window`.
class RedisCollector : public prometheus::Collectable {
 public:
  explicit RedisCollector(std::shared_ptr<const redis::RedisStats> stats,
                          std::chrono::milliseconds up_window = std::chrono::seconds(15));
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const std::shared_ptr<const redis::RedisStats> stats_;
  const std::chrono::milliseconds up_window_;
};

// The watched consumer groups and delayed-job queues (bus::QueueWatch) as Prometheus
// metrics: events_consumer_lag, events_consumer_pending, events_consumer_oldest_pending_seconds
// {group}, events_consumer_redeliveries_total, events_consumer_dead_letters_total{group},
// events_dead_letter_entries, events_delayed_jobs_due, events_delayed_jobs_overdue,
// events_delayed_jobs_fired_total{queue}. Gauges are as of the watch's last refresh; a scrape
// never calls Redis. Nothing watched: nothing shown.
class QueueCollector : public prometheus::Collectable {
 public:
  explicit QueueCollector(std::shared_ptr<const bus::QueueWatch> watch);
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const std::shared_ptr<const bus::QueueWatch> watch_;
};

// Every service's platform metrics of Redis and the queues: the two collectors above, and a
// thread that refreshes the queue figures every refresh_interval (one pipeline) and, when no
// call has reached Redis for a check_interval, sends a PING, so events_redis_up stays
// current in a quiet service. Thread-safe. Build it once per process (server::ServiceCore
// does), watch the consumers and job workers the service runs, serve collectable().
class PlatformMetrics {
 public:
  struct Options {
    std::chrono::milliseconds refresh_interval{15000};
    std::chrono::milliseconds check_interval{5000};
  };
  // `redis` and `clock` must outlive this object. Starts its thread.
  PlatformMetrics(redis::RedisClient& redis, const Clock& clock, Options options);
  PlatformMetrics(redis::RedisClient& redis, const Clock& clock)
      : PlatformMetrics(redis, clock, Options()) {}
  // Stops the thread.
  ~PlatformMetrics();
  PlatformMetrics(const PlatformMetrics&) = delete;
  PlatformMetrics& operator=(const PlatformMetrics&) = delete;

  // What /metrics serves of these (kept alive by the server while it collects).
  std::shared_ptr<prometheus::Collectable> collectable() const { return collectable_; }

  // Adds a consumer's group / a delayed-job worker's queue; refreshed from the next tick on.
  void Watch(const bus::Consumer& consumer);
  void Watch(const bus::DelayedJobWorker& worker, const bus::Keyspace& keys);

  // One tick of the thread: a refresh when one is due (or something new is watched), else a
  // PING when nothing has reached Redis for check_interval. Exposed for tests.
  void Tick() ABSL_LOCKS_EXCLUDED(tick_mu_);
  void Stop() { thread_.Stop(); }

 private:
  redis::RedisClient& redis_;
  const Options options_;
  const std::shared_ptr<bus::QueueWatch> watch_;
  const std::shared_ptr<prometheus::Collectable> collectable_;
  std::atomic<bool> refresh_now_{false};  // a new watch: refresh at the next tick
  Mutex tick_mu_;
  std::chrono::steady_clock::time_point last_refresh_ ABSL_GUARDED_BY(tick_mu_){};
  PollingThread thread_;  // last: stops before the members its ticks use go
};

}  // namespace events::metrics
