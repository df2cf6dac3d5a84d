#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "common/bus/delayed_job_worker.h"
#include "common/bus/event_bus.h"
#include "common/bus/keyspace.h"
#include "common/util/clock.h"
#include "common/util/mutex.h"

namespace events::redis {
class RedisClient;
}

namespace events::bus {

// One consumer group as the metrics show it.
struct GroupFigures {
  std::string group;
  int64_t lag = 0;      // entries not yet delivered to the group, summed over partitions
  int64_t pending = 0;  // delivered, not yet acknowledged
  double oldest_pending_seconds = 0;  // age of the oldest pending entry; 0 if none
  uint64_t redeliveries = 0;          // this process's, since it started
  uint64_t dead_letters = 0;          // this process's, since it started
};

// One delayed-job queue as the metrics show it.
struct JobQueueFigures {
  std::string queue;
  int64_t due = 0;      // due now, not fired yet (every partition)
  int64_t overdue = 0;  // due more than kOverdue ago, not fired yet
  uint64_t fired = 0;   // this process's, since it started
};

struct QueueFigures {
  // Gauges read from Redis are as of the last successful Refresh (none yet: false, and zero).
  bool refreshed = false;
  int64_t dead_letter_entries = 0;  // every partition's dead-letter stream
  std::vector<GroupFigures> groups;
  std::vector<JobQueueFigures> queues;
};

// Reads, for the consumer groups and delayed-job queues a service runs, what the operator
// needs to see (lag, pending, oldest pending entry, dead letters; due and overdue jobs), in
// one pipeline for every partition (common/bus/lua/watch.lua, read-only), and keeps the
// figures for the metrics to show. Counters (redeliveries, dead-lettered, fired) are read
// from the watched objects at each Figures() call. Thread-safe.
class QueueWatch {
 public:
  // Jobs due longer ago than this are overdue.
  static constexpr std::chrono::milliseconds kOverdue{60000};

  // `redis` and `clock` must outlive the watch. `clock` is the one the services score jobs by.
  QueueWatch(redis::RedisClient& redis, const Clock& clock);
  QueueWatch(const QueueWatch&) = delete;
  QueueWatch& operator=(const QueueWatch&) = delete;

  // Watches `consumer`'s group (once per group name) on its keyspace's partitions.
  void Watch(const Consumer& consumer) ABSL_LOCKS_EXCLUDED(mu_);
  // Watches `worker`'s queue (once per queue name) on `keys`' partitions.
  void Watch(const DelayedJobWorker& worker, const Keyspace& keys) ABSL_LOCKS_EXCLUDED(mu_);
  // True once something is watched.
  bool watching() const ABSL_LOCKS_EXCLUDED(mu_);

  // Reads every partition in one pipeline and keeps the figures. OK with nothing watched
  // (and nothing sent). UNAVAILABLE / INTERNAL as the Redis client answers; then the figures
  // kept stay those of the last success.
  absl::Status Refresh() ABSL_LOCKS_EXCLUDED(mu_);
  QueueFigures Figures() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct WatchedGroup {
    std::string group;
    std::shared_ptr<const ConsumerCounts> counts;
  };
  struct WatchedQueue {
    JobQueue queue;
    std::shared_ptr<const std::atomic<uint64_t>> fired;
  };

  redis::RedisClient& redis_;
  const Clock& clock_;
  mutable Mutex mu_;
  std::optional<Keyspace> keys_ ABSL_GUARDED_BY(mu_);
  std::vector<WatchedGroup> groups_ ABSL_GUARDED_BY(mu_);
  std::vector<WatchedQueue> queues_ ABSL_GUARDED_BY(mu_);
  QueueFigures figures_ ABSL_GUARDED_BY(mu_);
};

}  // namespace events::bus
