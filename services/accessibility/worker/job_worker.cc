#include "services/accessibility/worker/job_worker.h"

#include <spdlog/spdlog.h>

#include "services/accessibility/domain/access_desk.h"

namespace events::accessibility {

JobWorker::JobWorker(AccessDesk& desk, JobWorkerOptions options) : desk_(desk), options_(options) {}

JobWorker::~JobWorker() { Stop(); }

absl::StatusOr<int> JobWorker::RunOnce() { return desk_.FireDueJobs(options_.batch); }

void JobWorker::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void JobWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void JobWorker::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    absl::StatusOr<int> fired = RunOnce();
    if (!fired.ok()) {
      spdlog::warn("accessibility job worker could not fire due jobs, will retry: {}",
                   fired.status().ToString());
    } else if (*fired > 0) {
      spdlog::info("accessibility job worker fired {} job(s)", *fired);
    }
    lock.lock();
    wake_.wait_for(lock, options_.poll_interval, [this] { return stopping_; });
  }
}

}  // namespace events::accessibility
