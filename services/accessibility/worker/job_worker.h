#pragma once

#include "absl/status/statusor.h"
#include "common/bus/delayed_job_worker.h"

namespace events::accessibility {

class AccessDesk;

using JobWorkerOptions = bus::DelayedJobOptions;

// Fires due at-risk and retention jobs (the delayed-job queue "{p<N>}:acc:jobs"). Each job
// moves in one script, so any number of workers may run, and a restart neither loses nor
// doubles one. A bus::DelayedJobWorker whose fire call is AccessDesk::FireDueJobs.
class JobWorker {
 public:
  explicit JobWorker(AccessDesk& desk, JobWorkerOptions options = {});

  // Fires what is due now in every partition; returns how many fired. Thread-safe.
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

}  // namespace events::accessibility
