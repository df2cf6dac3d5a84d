#pragma once

#include <chrono>

#include "absl/status/statusor.h"
#include "common/bus/stream_worker.h"

namespace prometheus {
class Counter;
}

namespace events::registration {

class FactsWriter;

// FactsProjector's options and counters (at namespace scope so that `= {}` works as a
// default argument of its constructor).
struct FactsProjectorOptions {
  // Pause between polls when the last one found nothing to do.
  std::chrono::milliseconds poll_interval{200};
};
struct FactsProjectorCounters {
  prometheus::Counter* applied = nullptr;  // facts written (or skipped as stale); may be null
  prometheus::Counter* ignored = nullptr;  // other event types, acked unread; may be null
  prometheus::Counter* invalid = nullptr;  // entries that do not parse, acked; may be null
  prometheus::Counter* errors = nullptr;   // failed polls, writes and acks; may be null
};

// Keeps registration's projection of event facts up to date from scheduling's domain events
// (event.* with an events.v1.EventChanged payload) on the partition streams.
//
// A bus::StreamWorker and this handler. At least once and in any order: an entry is acked
// only once its facts are written, and
// the writer keeps the newest version, so a redelivered or late change is harmless. A failed
// write is left pending on the consumer group and comes back on a later poll (after
// claim_idle), up to the consumer's max_deliveries, then goes to the dead-letter stream.
class FactsProjector {
 public:
  using Options = FactsProjectorOptions;
  using Counters = FactsProjectorCounters;

  // `consumer` and `writer` must outlive the projector. The consumer is used from one
  // thread at a time (RunOnce serialises its callers), as bus::Consumer requires.
  FactsProjector(events::bus::Consumer& consumer, FactsWriter& writer, Options options = {},
                 Counters counters = {});
  // Stops the thread if it runs.
  ~FactsProjector();
  FactsProjector(const FactsProjector&) = delete;
  FactsProjector& operator=(const FactsProjector&) = delete;

  // One poll: handles every delivery and returns how many were acked (written, ignored or
  // invalid). Errors: the poll's (UNAVAILABLE when Redis is down), or UNAVAILABLE from the
  // writer or an ack, which ends the batch early; the rest stays pending for a later poll.
  // Other write failures are logged and counted and leave that entry pending. Thread-safe.
  absl::StatusOr<int> RunOnce() { return worker_.RunOnce(); }

  // Runs RunOnce on a thread of its own until Stop(): again at once after a poll that acked
  // something, otherwise after poll_interval. Does nothing if already started.
  void Start() { worker_.Start(); }
  // Stops and joins the thread; idempotent.
  void Stop() { worker_.Stop(); }

 private:
  // OK when the delivery may be acked (written or ignored); INVALID_ARGUMENT when its payload
  // can never be read (dropped); otherwise the writer's error (left pending).
  absl::Status Handle(const events::bus::Delivery& delivery);

  FactsWriter& writer_;
  const Counters counters_;
  events::bus::StreamWorker worker_;  // last: its thread uses the members above
};

}  // namespace events::registration
