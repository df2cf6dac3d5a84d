#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/util/polling_thread.h"

namespace prometheus {
class Counter;
}

namespace events::bus {

// A delayed-job queue as the metrics name it: `name` is its label (events_delayed_jobs_*
// {queue="reminders"}), `key_suffix` what follows a partition's prefix in its sorted set's
// key ("jobs" for "{p<N>}:jobs").
struct JobQueue {
  std::string name;
  std::string key_suffix;
};

struct DelayedJobOptions {
  std::chrono::milliseconds poll_interval{1000};
  // Jobs fired per partition per poll; the rest wait for the next poll.
  int batch = 100;
};
struct DelayedJobCounters {
  prometheus::Counter* fired = nullptr;   // jobs the fire calls counted as fired; may be null
  prometheus::Counter* errors = nullptr;  // failed fire calls (one per partition); may be null
};

// The one delayed-job poller: every service's worker that fires due jobs (scheduling's
// reminders, accessibility's at-risk and purge jobs, feedback's survey windows) is a
// DelayedJobWorker and its fire call. The fire call runs the service's fire script on one
// partition's job queue (common/redis/lua/jobs.lua), which removes each job in the script that
// does its work: so any number of workers may run, and a restart neither loses nor doubles one.
class DelayedJobWorker {
 public:
  // Fires the jobs of `partition` due now, at most `limit`; returns how many fired.
  using Fire = std::function<absl::StatusOr<int>(int partition, int limit)>;
  // The same for each of `partitions`, at most `limit` each, in one round trip (one per
  // Redis node on a cluster; RedisClient::EvalMany): one result per partition, in order, or
  // the failure of the round trip itself.
  using FireMany = std::function<absl::StatusOr<std::vector<absl::StatusOr<int>>>(
      const std::vector<int>& partitions, int limit)>;
  // Runs after each poll of the thread (not after RunOnce called directly), e.g. work that
  // follows the jobs; may be empty.
  using AfterPoll = std::function<void()>;

  // `name` starts the worker's log lines; `queue` names the queue it fires (for the
  // metrics). `partitions` is the number of job queues.
  DelayedJobWorker(std::string name, JobQueue queue, int partitions, Fire fire,
                   DelayedJobOptions options = {}, DelayedJobCounters counters = {},
                   AfterPoll after_poll = {});
  // With a fire call that takes every partition at once: a poll is one round trip rather
  // than one per partition.
  DelayedJobWorker(std::string name, JobQueue queue, int partitions, FireMany fire_many,
                   DelayedJobOptions options = {}, DelayedJobCounters counters = {},
                   AfterPoll after_poll = {});
  // Stops the thread if it runs.
  ~DelayedJobWorker();
  DelayedJobWorker(const DelayedJobWorker&) = delete;
  DelayedJobWorker& operator=(const DelayedJobWorker&) = delete;

  // Fires what is due in every partition, `batch` at most each, inside a new trace (a call
  // context of its own, unless the calling thread works for one already): the fire calls
  // pass logging::CurrentTraceParent() to their scripts, so the events fired carry it. A partition
  // that fails is logged and counted, and the others still fire; then the first failure is returned
  // (the jobs of that partition wait for the next poll). Returns how many fired. Thread-safe.
  absl::StatusOr<int> RunOnce();
  // Runs RunOnce, then the after-poll call, every poll interval on a thread of its own until
  // Stop(). Does nothing if already started.
  void Start();
  // Stops and joins the thread; idempotent.
  void Stop();

  const JobQueue& queue() const { return queue_; }
  // Jobs fired since the worker was made. Shared, so the metrics may keep reading it after the
  // worker is gone.
  std::shared_ptr<const std::atomic<uint64_t>> fired() const { return fired_; }

 private:
  // One poll for loop_: true when more is waiting.
  bool PollOnce();

  const std::string name_;
  const JobQueue queue_;
  const std::shared_ptr<std::atomic<uint64_t>> fired_ = std::make_shared<std::atomic<uint64_t>>(0);
  const int partitions_;
  const FireMany fire_many_;
  const std::vector<int> all_partitions_;  // 0 .. partitions_ - 1
  const DelayedJobOptions options_;
  const DelayedJobCounters counters_;
  const AfterPoll after_poll_;
  PollingThread loop_;  // last: stops before the members its polls use go
};

}  // namespace events::bus
