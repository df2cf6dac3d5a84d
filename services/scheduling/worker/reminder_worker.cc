#include "services/scheduling/worker/reminder_worker.h"

#include <prometheus/counter.h>
#include <spdlog/spdlog.h>

#include "common/util/clock.h"
#include "services/scheduling/store/event_store.h"

namespace events::scheduling {

ReminderWorker::ReminderWorker(EventStore& store, const Clock& clock, Options options,
                               Counters counters)
    : store_(store),
      clock_(clock),
      options_(options),
      counters_(counters),
      loop_(options_.poll_interval, [this] { return PollOnce(); }) {}

ReminderWorker::~ReminderWorker() { Stop(); }

absl::StatusOr<int> ReminderWorker::RunOnce() {
  absl::StatusOr<int> fired = store_.FireDueJobs(clock_.NowUnixMs(), options_.batch);
  if (!fired.ok()) {
    if (counters_.errors != nullptr) counters_.errors->Increment();
    return fired.status();
  }
  if (*fired > 0 && counters_.fired != nullptr) counters_.fired->Increment(*fired);
  return fired;
}

void ReminderWorker::Start() { loop_.Start(); }

void ReminderWorker::Stop() { loop_.Stop(); }

bool ReminderWorker::PollOnce() {
  absl::StatusOr<int> fired = RunOnce();
  if (!fired.ok()) {
    spdlog::warn("reminder worker could not fire due reminders, will retry: {}",
                 fired.status().ToString());
  } else if (*fired > 0) {
    spdlog::info("reminder worker fired {} reminder(s)", *fired);
  }
  return false;
}

}  // namespace events::scheduling
