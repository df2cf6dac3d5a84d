#include "services/feedback/worker/window_worker.h"

#include <prometheus/counter.h>
#include <spdlog/spdlog.h>

#include <vector>

#include "common/util/clock.h"
#include "services/feedback/domain/anonymous_batches.h"
#include "services/feedback/store/feedback_store.h"

namespace events::feedback {

WindowWorker::WindowWorker(FeedbackStore& store, const Clock& clock, WindowWorkerOptions options,
                           WindowWorkerCounters counters)
    : batches_(options.batches),
      errors_(counters.errors),
      jobs_(
          "survey window worker", {"feedback-window", "fb:jobs"}, store.partitions(),
          [&store, &clock](const std::vector<int>& partitions, int limit) {
            return store.FireDueIn(partitions, clock.NowUnixMs(), limit);
          },
          {options.poll_interval, options.batch}, counters, [this] { ReleaseClosed(); }) {}

absl::StatusOr<int> WindowWorker::RunOnce() {
  absl::StatusOr<int> fired = jobs_.RunOnce();
  ReleaseClosed();
  return fired;
}

void WindowWorker::ReleaseClosed() {
  if (batches_ == nullptr) return;
  absl::StatusOr<int> released = batches_->ReleaseClosed();
  if (!released.ok()) {
    if (errors_ != nullptr) errors_->Increment();
    spdlog::warn(
        "could not add held anonymous answers of closed surveys to their figures, "
        "will retry: {}",
        released.status().ToString());
  } else if (*released > 0) {
    spdlog::info("added {} held anonymous answer(s) of closed surveys to their figures", *released);
  }
}

}  // namespace events::feedback
