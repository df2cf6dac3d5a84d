#pragma once

#include "absl/status/statusor.h"
#include "common/bus/delayed_job_worker.h"

namespace events {
class Clock;
}

namespace events::scheduling {

class EventStore;

// Fires due reminders: moves each due job from the delayed-job queue to its partition
// stream as event.reminder_due. The state is all in Redis and each job moves in one
// script, so any number of workers may run, and a restart neither loses nor doubles one.
// A bus::DelayedJobWorker whose fire call is EventStore::FireDueJobsIn.
class ReminderWorker {
 public:
  using Options = bus::DelayedJobOptions;
  using Counters = bus::DelayedJobCounters;

  ReminderWorker(EventStore& store, const Clock& clock, Options options, Counters counters);

  // Fires everything due at the clock's now. Returns how many fired. Thread-safe.
  absl::StatusOr<int> RunOnce() { return jobs_.RunOnce(); }

  // Runs RunOnce every poll interval on a thread of its own until Stop().
  void Start() { jobs_.Start(); }
  // Stops and joins the thread; idempotent.
  void Stop() { jobs_.Stop(); }
  // The poller, for the metrics of its queue (server::WatchJobs).
  const bus::DelayedJobWorker& jobs() const { return jobs_; }

 private:
  bus::DelayedJobWorker jobs_;
};

}  // namespace events::scheduling
