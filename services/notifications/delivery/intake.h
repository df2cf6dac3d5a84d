#pragma once

#include <chrono>
#include <string>
#include <vector>

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

namespace events::notifications {

class OutboxStore;
class Peers;

struct IntakeOptions {
  std::chrono::milliseconds poll_interval{200};
  // Domain events older than this tell nobody: a new installation's first start, or one
  // after a long outage, does not mail the stream's history (docs/notifications.md).
  std::chrono::milliseconds max_event_age{std::chrono::hours(24)};
};
struct IntakeCounters {
  prometheus::Counter* mail = nullptr;    // mail made; may be null
  prometheus::Counter* stale = nullptr;   // domain events too old to tell; may be null
  prometheus::Counter* errors = nullptr;  // failed polls, writes and acks; may be null
};

// Turns domain events (consumer group "notifications" on every partition stream) into
// mail on the outbox: one per recipient (domain/plan.h says who), made idempotently by
// domain event, template and recipient, due at once. Mail to everyone registered for an
// event lists them from registration, page by page; a failure leaves the entry pending and
// its redelivery makes only what is missing. Acked only after the mail is written.
class Intake {
 public:
  Intake(events::bus::Consumer& consumer, OutboxStore& store, Peers& peers, const Clock& clock,
         IntakeOptions options, IntakeCounters counters);
  Intake(const Intake&) = delete;
  Intake& operator=(const Intake&) = delete;

  absl::StatusOr<int> RunOnce() { return worker_.RunOnce(); }
  void Start() { worker_.Start(); }
  void Stop() { worker_.Stop(); }

  // One domain event (the worker's handler; public for tests).
  absl::Status Handle(const events::bus::Delivery& delivery);

 private:
  // The organisation's access coordinators: its active members with the role (people),
  // then the sender settings' coordinator_emails (organisations without members). May
  // list an address twice.
  absl::StatusOr<std::vector<std::string>> CoordinatorAddresses(const std::string& org_id);

  OutboxStore& store_;
  Peers& peers_;
  const Clock& clock_;
  const IntakeOptions options_;
  const IntakeCounters counters_;
  events::bus::StreamWorker worker_;  // last: its thread uses the members above
};

inline constexpr char kNotificationsGroup[] = "notifications";

}  // namespace events::notifications
