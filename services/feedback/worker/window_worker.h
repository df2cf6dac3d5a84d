#pragma once

#include <chrono>

#include "absl/status/statusor.h"
#include "common/util/polling_thread.h"

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
struct WindowWorkerCounters {
  prometheus::Counter* fired = nullptr;   // surveys opened or closed; may be null
  prometheus::Counter* errors = nullptr;  // may be null
};

// Opens surveys when their event ends and closes them when their window is over, from the
// per-partition delayed-job queue. Each job fires in one script that also emits the
// invitations, so any number of workers may run, and a restart neither loses nor doubles one.
// Then releases the anonymous answers held by surveys that closed (AnonymousBatches).
class WindowWorker {
 public:
  WindowWorker(FeedbackStore& store, const Clock& clock, WindowWorkerOptions options = {},
               WindowWorkerCounters counters = {});
  ~WindowWorker();
  WindowWorker(const WindowWorker&) = delete;
  WindowWorker& operator=(const WindowWorker&) = delete;

  // Fires everything due at the clock's now. Returns how many surveys opened or closed.
  // Thread-safe.
  absl::StatusOr<int> RunOnce();
  // Runs RunOnce every poll interval on a thread of its own until Stop().
  void Start();
  // Stops and joins the thread; idempotent.
  void Stop();

 private:
  // One poll for loop_: true when more is waiting.
  bool PollOnce();

  FeedbackStore& store_;
  const Clock& clock_;
  const WindowWorkerOptions options_;
  const WindowWorkerCounters counters_;
  PollingThread loop_;  // last: stops before the members its polls use go
};

}  // namespace events::feedback
