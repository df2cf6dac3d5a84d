#include "services/feedback/worker/window_worker.h"

#include <prometheus/counter.h>
#include <spdlog/spdlog.h>

#include "common/util/clock.h"
#include "services/feedback/domain/anonymous_batches.h"
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
  if (options_.batches != nullptr) {
    absl::StatusOr<int> released = options_.batches->ReleaseClosed();
    if (!released.ok()) {
      // The surveys' jobs did fire; the held answers wait for the next poll.
      if (counters_.errors != nullptr) counters_.errors->Increment();
      spdlog::warn(
          "could not add held anonymous answers of closed surveys to their figures, "
          "will retry: {}",
          released.status().ToString());
    } else if (*released > 0) {
      spdlog::info("added {} held anonymous answer(s) of closed surveys to their figures",
                   *released);
    }
  }
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
