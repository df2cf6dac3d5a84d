#include "services/scheduling/worker/reminder_worker.h"

#include <prometheus/counter.h>
#include <spdlog/spdlog.h>

#include "common/util/clock.h"
#include "services/scheduling/store/event_store.h"

namespace events::scheduling {

ReminderWorker::ReminderWorker(EventStore& store, const Clock& clock, Options options,
                               Counters counters)
    : store_(store), clock_(clock), options_(options), counters_(counters) {}

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

void ReminderWorker::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void ReminderWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ReminderWorker::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    absl::StatusOr<int> fired = RunOnce();
    if (!fired.ok()) {
      spdlog::warn("reminder worker could not fire due reminders, will retry: {}",
                   fired.status().ToString());
    } else if (*fired > 0) {
      spdlog::info("reminder worker fired {} reminder(s)", *fired);
    }
    lock.lock();
    wake_.wait_for(lock, options_.poll_interval, [this] { return stopping_; });
  }
}

}  // namespace events::scheduling
