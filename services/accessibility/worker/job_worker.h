#pragma once

#include <chrono>

#include "absl/status/statusor.h"
#include "common/util/polling_thread.h"

namespace events::accessibility {

class AccessDesk;

struct JobWorkerOptions {
  std::chrono::milliseconds poll_interval{1000};
  // Jobs fired per partition per poll; the rest wait for the next poll.
  int batch = 100;
};

// Fires due at-risk and retention jobs (the delayed-job queue "{p<N>}:acc:jobs"). Each job
// moves in one script, so any number of workers may run, and a restart neither loses nor
// doubles one.
class JobWorker {
 public:
  explicit JobWorker(AccessDesk& desk, JobWorkerOptions options = {});
  ~JobWorker();
  JobWorker(const JobWorker&) = delete;
  JobWorker& operator=(const JobWorker&) = delete;

  // Fires what is due now; returns how many fired. Thread-safe.
  absl::StatusOr<int> RunOnce();
  // Runs RunOnce every poll interval on a thread of its own until Stop().
  void Start();
  // Stops and joins the thread; idempotent.
  void Stop();

 private:
  // One poll for loop_: true when more is waiting.
  bool PollOnce();

  AccessDesk& desk_;
  const JobWorkerOptions options_;
  PollingThread loop_;  // last: stops before the members its polls use go
};

}  // namespace events::accessibility
