#pragma once

#include <memory>

namespace prometheus {
class Registry;
class Counter;
template <typename T>
class Family;
}  // namespace prometheus

namespace events::scheduling {

// Every metric the scheduling service adds to the shared gRPC ones.
struct SchedulingMetrics {
  explicit SchedulingMetrics(prometheus::Registry& registry);

  prometheus::Family<prometheus::Counter>& changes;  // events_scheduling_changes_total{action}
  prometheus::Counter& created;
  prometheus::Counter& published;
  prometheus::Counter& rescheduled;
  prometheus::Counter& cancelled;
  prometheus::Counter& completed;
  prometheus::Counter& reminders_fired;  // events_reminders_fired_total
  prometheus::Counter& reminder_errors;  // events_reminder_worker_errors_total
};

}  // namespace events::scheduling
