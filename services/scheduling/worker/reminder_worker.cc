#include "services/scheduling/worker/reminder_worker.h"

#include "common/util/clock.h"
#include "services/scheduling/store/event_store.h"

namespace events::scheduling {

ReminderWorker::ReminderWorker(EventStore& store, const Clock& clock, Options options,
                               Counters counters)
    : jobs_(
          "reminder worker", store.partitions(),
          [&store, &clock](int partition, int limit) {
            return store.FireDueJobs(partition, clock.NowUnixMs(), limit);
          },
          options, counters) {}

}  // namespace events::scheduling
