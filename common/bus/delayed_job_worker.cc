#include "common/bus/delayed_job_worker.h"

#include <prometheus/counter.h>
#include <spdlog/spdlog.h>

#include <utility>

#include "absl/status/status.h"

namespace events::bus {

DelayedJobWorker::DelayedJobWorker(std::string name, int partitions, Fire fire,
                                   DelayedJobOptions options, DelayedJobCounters counters,
                                   AfterPoll after_poll)
    : name_(std::move(name)),
      partitions_(partitions),
      fire_(std::move(fire)),
      options_(options),
      counters_(counters),
      after_poll_(std::move(after_poll)),
      loop_(options_.poll_interval, [this] { return PollOnce(); }) {}

DelayedJobWorker::~DelayedJobWorker() { Stop(); }

absl::StatusOr<int> DelayedJobWorker::RunOnce() {
  int fired = 0;
  absl::Status first_error;
  // One script per partition: each is atomic on its own and touches one hash tag. A
  // partition that fails (its Redis node down, say) does not hold back the others.
  for (int p = 0; p < partitions_; ++p) {
    absl::StatusOr<int> n = fire_(p, options_.batch);
    if (!n.ok()) {
      if (counters_.errors != nullptr) counters_.errors->Increment();
      if (first_error.ok()) first_error = n.status();
      spdlog::warn("{}: could not fire the due jobs of partition {}, will retry: {}", name_, p,
                   n.status().ToString());
      continue;
    }
    fired += *n;
  }
  if (fired > 0 && counters_.fired != nullptr) counters_.fired->Increment(fired);
  if (!first_error.ok()) return first_error;
  return fired;
}

void DelayedJobWorker::Start() { loop_.Start(); }

void DelayedJobWorker::Stop() { loop_.Stop(); }

bool DelayedJobWorker::PollOnce() {
  // RunOnce logged its failures.
  absl::StatusOr<int> fired = RunOnce();
  if (fired.ok() && *fired > 0) spdlog::info("{}: fired {} job(s)", name_, *fired);
  if (after_poll_) after_poll_();
  return false;
}

}  // namespace events::bus
