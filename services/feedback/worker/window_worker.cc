#include "services/feedback/worker/window_worker.h"

#include <prometheus/counter.h>
#include <spdlog/spdlog.h>

#include "common/util/clock.h"
#include "services/feedback/store/feedback_store.h"

namespace events::feedback {

WindowWorker::WindowWorker(FeedbackStore& store, const Clock& clock, WindowWorkerOptions options,
                           WindowWorkerCounters counters)
    : store_(store),
      clock_(clock),
      options_(options),
      counters_(counters),
      loop_(options_.poll_interval, [this] { return PollOnce(); }) {}

WindowWorker::~WindowWorker() { Stop(); }

absl::StatusOr<int> WindowWorker::RunOnce() {
  absl::StatusOr<int> fired = store_.FireDue(clock_.NowUnixMs(), options_.batch);
  if (!fired.ok()) {
    if (counters_.errors != nullptr) counters_.errors->Increment();
    return fired.status();
  }
  if (*fired > 0 && counters_.fired != nullptr) counters_.fired->Increment(*fired);
  return fired;
}

void WindowWorker::Start() { loop_.Start(); }

void WindowWorker::Stop() { loop_.Stop(); }

bool WindowWorker::PollOnce() {
  absl::StatusOr<int> fired = RunOnce();
  if (!fired.ok()) {
    spdlog::warn("survey window worker could not fire due jobs, will retry: {}",
                 fired.status().ToString());
  } else if (*fired > 0) {
    spdlog::info("survey window worker opened or closed {} survey(s)", *fired);
  }
  return false;
}

}  // namespace events::feedback
