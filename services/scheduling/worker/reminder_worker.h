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

namespace events::scheduling {

class EventStore;

// Fires due reminders: moves each due job from the delayed-job queue to its partition
// stream as event.reminder_due. The state is all in Redis and each job moves in one
// script, so any number of workers may run, and a restart neither loses nor doubles one.
class ReminderWorker {
 public:
  struct Options {
    std::chrono::milliseconds poll_interval{1000};
    // Jobs fired per partition per poll; the rest wait for the next poll.
    int batch = 100;
  };
  struct Counters {
    prometheus::Counter* fired = nullptr;   // may be null
    prometheus::Counter* errors = nullptr;  // may be null
  };

  ReminderWorker(EventStore& store, const Clock& clock, Options options, Counters counters);
  ~ReminderWorker();

  // Fires everything due at the clock's now. Returns how many fired. Thread-safe.
  absl::StatusOr<int> RunOnce();

  // Runs RunOnce every poll interval on a thread of its own until Stop().
  void Start();
  // Stops and joins the thread; idempotent.
  void Stop();

 private:
  // One poll for loop_: true when more is waiting.
  bool PollOnce();

  EventStore& store_;
  const Clock& clock_;
  Options options_;
  Counters counters_;
  PollingThread loop_;  // last: stops before the members its polls use go
};

}  // namespace events::scheduling
