#pragma once

#include <chrono>

#include "absl/status/statusor.h"
#include "common/bus/delayed_job_worker.h"

namespace prometheus {
class Counter;
}

namespace events {
class Clock;
}

namespace events::feedback {

class AnonymousBatches;
class FeedbackStore;

struct WindowWorkerOptions {
  std::chrono::milliseconds poll_interval{1000};
  // Jobs fired per partition per poll; the rest wait for the next poll.
  int batch = 100;
  // Adds the anonymous answers still held by closed surveys to the figures (after each
  // poll's jobs); may be null (then they wait for another replica's worker).
  AnonymousBatches* batches = nullptr;
};
using WindowWorkerCounters = bus::DelayedJobCounters;  // fired: surveys opened or closed

// Opens surveys when their event ends and closes them when their window is over, from the
// per-partition delayed-job queue. Each job fires in one script that also emits the
// invitations, so any number of workers may run, and a restart neither loses nor doubles one.
// Then releases the anonymous answers held by surveys that closed (AnonymousBatches).
// A bus::DelayedJobWorker whose fire call is FeedbackStore::FireDueIn, and the release after it.
class WindowWorker {
 public:
  WindowWorker(FeedbackStore& store, const Clock& clock, WindowWorkerOptions options = {},
               WindowWorkerCounters counters = {});

  // Fires everything due at the clock's now, then releases held answers (also when a
  // partition failed: the surveys closed before wait for no job). Returns how many surveys
  // opened or closed. Thread-safe.
  absl::StatusOr<int> RunOnce();
  // Runs RunOnce every poll interval on a thread of its own until Stop().
  void Start() { jobs_.Start(); }
  // Stops and joins the thread; idempotent.
  void Stop() { jobs_.Stop(); }
  // The poller, for the metrics of its queue (server::WatchJobs).
  const bus::DelayedJobWorker& jobs() const { return jobs_; }

 private:
  // Adds the held answers of closed surveys to their figures; errors are logged and counted.
  void ReleaseClosed();

  AnonymousBatches* const batches_;
  prometheus::Counter* const errors_;
  bus::DelayedJobWorker jobs_;  // last: stops before the members its polls use go
};

}  // namespace events::feedback
