#include "services/accessibility/worker/job_worker.h"

#include "services/accessibility/domain/access_desk.h"

namespace events::accessibility {

JobWorker::JobWorker(AccessDesk& desk, JobWorkerOptions options)
    : jobs_(
          "accessibility job worker", {"accessibility", "acc:jobs"}, desk.partitions(),
          [&desk](int partition, int limit) { return desk.FireDueJobs(partition, limit); },
          options) {}

}  // namespace events::accessibility
