#pragma once

#include <chrono>

#include "absl/status/statusor.h"
#include "common/bus/stream_worker.h"

namespace prometheus {
class Counter;
}
namespace events {
class Clock;
}
namespace events::bus {
class Consumer;
struct Delivery;
}  // namespace events::bus

namespace events::integrations {

class IntegrationsStore;

struct EventIntakeOptions {
  // Pause between polls when the last one found nothing to do.
  std::chrono::milliseconds poll_interval{200};
};
struct EventIntakeCounters {
  prometheus::Counter* deliveries = nullptr;  // deliveries created; may be null
  prometheus::Counter* errors = nullptr;      // failed polls, writes and acks; may be null
};

// Turns every service's domain events (consumer group kWebhookGroup on all partition
// streams, read with WorkerConsumerOptions) into webhook deliveries: one per matching enabled
// webhook of the event's organisation made before the event happened (created idempotently
// by event id and webhook, due now). An entry is acked only after its deliveries are
// written, so a crash re-reads it and makes nothing twice. The contacts projection reads
// the streams in a group of its own (kContactsGroup), so it never holds this up.
class EventIntake {
 public:
  EventIntake(events::bus::Consumer& consumer, IntegrationsStore& store, const Clock& clock,
              EventIntakeOptions options, EventIntakeCounters counters);
  EventIntake(const EventIntake&) = delete;
  EventIntake& operator=(const EventIntake&) = delete;

  // One poll; returns how many entries were acked (StreamWorker::RunOnce). Thread-safe.
  absl::StatusOr<int> RunOnce() { return worker_.RunOnce(); }
  void Start() { worker_.Start(); }
  // Stops and joins; idempotent.
  void Stop() { worker_.Stop(); }

 private:
  absl::Status Handle(const events::bus::Delivery& delivery);

  IntegrationsStore& store_;
  const Clock& clock_;
  const EventIntakeCounters counters_;
  events::bus::StreamWorker worker_;  // last: its thread uses the members above
};

}  // namespace events::integrations
