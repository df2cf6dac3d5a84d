#include "services/scheduling/server/scheduling_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

namespace events::scheduling {

SchedulingMetrics::SchedulingMetrics(prometheus::Registry& registry)
    : changes(prometheus::BuildCounter()
                  .Name("events_scheduling_changes_total")
                  .Help("Event lifecycle changes made, by action")
                  .Register(registry)),
      created(changes.Add({{"action", "create"}})),
      published(changes.Add({{"action", "publish"}})),
      rescheduled(changes.Add({{"action", "reschedule"}})),
      cancelled(changes.Add({{"action", "cancel"}})),
      completed(changes.Add({{"action", "complete"}})),
      reminders_fired(prometheus::BuildCounter()
                          .Name("events_reminders_fired_total")
                          .Help("Reminders emitted as event.reminder_due")
                          .Register(registry)
                          .Add({})),
      reminder_errors(prometheus::BuildCounter()
                          .Name("events_reminder_worker_errors_total")
                          .Help("Reminder worker polls that failed (e.g. Redis unreachable)")
                          .Register(registry)
                          .Add({})) {}

}  // namespace events::scheduling
