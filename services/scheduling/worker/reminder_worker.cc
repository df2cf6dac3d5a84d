#include "services/scheduling/worker/reminder_worker.h"

#include <vector>

#include "common/util/clock.h"
#include "services/scheduling/store/event_store.h"

namespace events::scheduling {

ReminderWorker::ReminderWorker(EventStore& store, const Clock& clock, Options options,
                               Counters counters)
    : jobs_(
          "reminder worker", {"reminders", "jobs"}, store.partitions(),
          [&store, &clock](const std::vector<int>& partitions, int limit) {
            return store.FireDueJobsIn(partitions, clock.NowUnixMs(), limit);
          },
          options, counters) {}

}  // namespace events::scheduling
