#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/status/statusor.h"

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
  void Loop();

  AccessDesk& desk_;
  const JobWorkerOptions options_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace events::accessibility
