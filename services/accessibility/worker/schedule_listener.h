#pragma once

#include <chrono>
#include <mutex>

#include "absl/status/statusor.h"
#include "common/util/polling_thread.h"

namespace events::bus {
class Consumer;
struct Delivery;
enum class Handled;
}  // namespace events::bus

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
// At least once: an entry is acked once handled; the desk ignores versions it has seen, so
// a redelivery is harmless. A failed change is left pending and comes back (after the
// consumer's claim_idle), up to max_deliveries, then goes to the dead-letter stream.
class ScheduleListener {
 public:
  // `consumer` and `desk` must outlive the listener.
  ScheduleListener(events::bus::Consumer& consumer, AccessDesk& desk,
                   ScheduleListenerOptions options = {});
  ~ScheduleListener();
  ScheduleListener(const ScheduleListener&) = delete;
  ScheduleListener& operator=(const ScheduleListener&) = delete;

  // One poll; returns how many entries were acked. UNAVAILABLE when Redis is down.
  // Thread-safe (serialised: bus::Consumer is not thread-safe).
  absl::StatusOr<int> RunOnce();
  void Start();
  void Stop();

 private:
  // True when the delivery is done with (handled, ignored or unreadable).
  absl::StatusOr<events::bus::Handled> Handle(const events::bus::Delivery& delivery);
  // One poll for loop_: true when more is waiting.
  bool PollOnce();

  events::bus::Consumer& consumer_;
  AccessDesk& desk_;
  const ScheduleListenerOptions options_;
  std::mutex run_mu_;
  PollingThread loop_;  // last: stops before the members its polls use go
};

}  // namespace events::accessibility
