#include "services/accessibility/worker/job_worker.h"

#include <spdlog/spdlog.h>

#include "services/accessibility/domain/access_desk.h"

namespace events::accessibility {

JobWorker::JobWorker(AccessDesk& desk, JobWorkerOptions options)
    : desk_(desk),
      options_(options),
      loop_(options_.poll_interval, [this] { return PollOnce(); }) {}

JobWorker::~JobWorker() { Stop(); }

absl::StatusOr<int> JobWorker::RunOnce() { return desk_.FireDueJobs(options_.batch); }

void JobWorker::Start() { loop_.Start(); }

void JobWorker::Stop() { loop_.Stop(); }

bool JobWorker::PollOnce() {
  absl::StatusOr<int> fired = RunOnce();
  if (!fired.ok()) {
    spdlog::warn("accessibility job worker could not fire due jobs, will retry: {}",
                 fired.status().ToString());
  } else if (*fired > 0) {
    spdlog::info("accessibility job worker fired {} job(s)", *fired);
  }
  return false;
}

}  // namespace events::accessibility
