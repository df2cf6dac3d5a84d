#pragma once

#include <chrono>

#include "absl/status/statusor.h"
#include "common/bus/stream_worker.h"

namespace events::accessibility {

class AccessDesk;

struct ScheduleListenerOptions {
  // Pause between polls when the last one found nothing to do.
  std::chrono::milliseconds poll_interval{200};
};

// Follows scheduling's domain events (event.* with an events.v1.EventChanged payload) and
// hands them to AccessDesk::OnEventChanged: a reschedule or cancellation sends the event's
// provisions back to re-confirmation.
//
// A bus::StreamWorker and this handler. At least once: an entry is acked once handled; the
// desk ignores versions it has seen, so a redelivery is harmless. A change that fails for a
// while is left pending and comes back (after the consumer's claim_idle), up to
// max_deliveries, then goes to the dead-letter stream.
class ScheduleListener {
 public:
  // `consumer` and `desk` must outlive the listener.
  ScheduleListener(events::bus::Consumer& consumer, AccessDesk& desk,
                   ScheduleListenerOptions options = {});
  ~ScheduleListener();
  ScheduleListener(const ScheduleListener&) = delete;
  ScheduleListener& operator=(const ScheduleListener&) = delete;

  // One poll; returns how many entries were acked. UNAVAILABLE when Redis is down.
  // Thread-safe (bus::StreamWorker::RunOnce).
  absl::StatusOr<int> RunOnce() { return worker_.RunOnce(); }
  void Start() { worker_.Start(); }
  void Stop() { worker_.Stop(); }

 private:
  // OK when the delivery is done with (handled or ignored); INVALID_ARGUMENT when its
  // payload can never be read (dropped); otherwise the desk's error (left pending).
  absl::Status Handle(const events::bus::Delivery& delivery);

  AccessDesk& desk_;
  events::bus::StreamWorker worker_;  // last: its thread uses the members above
};

}  // namespace events::accessibility
