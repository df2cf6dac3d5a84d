#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/util/mutex.h"
#include "common/util/polling_thread.h"

namespace prometheus {
class Counter;
}

namespace events::logging {
class CallContext;
}
namespace events::v1 {
class DomainEvent;
}

namespace events::bus {

class Consumer;
struct Delivery;

// The call context a consumer handles `event` in: the event's trace (its traceparent, the
// span of the call that wrote it, becomes the parent) with a new span id of its own; a new
// trace when the event has no valid traceparent. Thread-safe.
std::shared_ptr<logging::CallContext> EventCallContext(const events::v1::DomainEvent& event);

// True for errors that will not go away by trying again (bad data, a refusal): the entry is
// dropped with an error log instead of being retried for ever.
bool IsPermanentError(const absl::Status& status);

struct StreamWorkerOptions {
  // Pause between polls when the last one found nothing to do.
  std::chrono::milliseconds poll_interval{200};
};
struct StreamWorkerCounters {
  // Entries dropped: unreadable, or failing permanently (IsPermanentError). May be null.
  prometheus::Counter* invalid = nullptr;
  // Failed polls and entries left pending by a transient failure. May be null.
  prometheus::Counter* errors = nullptr;
};

// The one stream-consumer skeleton: every projection and worker that reads the domain-event
// streams is a StreamWorker and its handler. It reads one consumer group and hands every
// entry to `handle`, acknowledging the entries handled in one round trip per partition.
// - OK: acknowledged.
// - An entry that cannot be parsed, or whose handling fails permanently (IsPermanentError),
//   is logged at error level, counted as invalid and acknowledged: it can never succeed.
// - Any other failure leaves the entry pending: the group hands it out again after the
//   consumer's claim_idle (up to its max_deliveries, then the dead-letter stream).
//   UNAVAILABLE or DEADLINE_EXCEEDED (a dependency is down) ends the batch early, so an
//   outage is not waited out once per entry; the rest stays pending too.
// At least once and in any order: handlers must be idempotent (keep the newest version).
// Each entry is handled inside its event's trace (EventCallContext, made current on the
// worker's thread), so the handler's log lines carry the event's trace_id.
class StreamWorker {
 public:
  using Handler = std::function<absl::Status(const Delivery&)>;
  // `name` starts the worker's log lines. `consumer` must outlive the worker; it is used
  // from one thread at a time (RunOnce serialises its callers), as Consumer requires.
  StreamWorker(std::string name, Consumer& consumer, Handler handle,
               StreamWorkerOptions options = {}, StreamWorkerCounters counters = {});
  // Stops the thread if it runs.
  ~StreamWorker();
  StreamWorker(const StreamWorker&) = delete;
  StreamWorker& operator=(const StreamWorker&) = delete;

  // One poll; returns how many entries were acknowledged. Errors: the poll's, or the
  // UNAVAILABLE / DEADLINE_EXCEEDED that ended the batch early (after acknowledging the
  // entries handled before it). Other failures leave their entry pending and are only
  // logged and counted. Thread-safe.
  absl::StatusOr<int> RunOnce() ABSL_LOCKS_EXCLUDED(run_mu_);
  // Runs RunOnce on a thread of its own until Stop(): again at once after a full poll,
  // otherwise after poll_interval. Does nothing if already started.
  void Start();
  // Stops and joins the thread; idempotent.
  void Stop();

 private:
  // One poll for loop_: true when more is waiting.
  bool PollOnce();

  const std::string name_;
  Mutex run_mu_;  // serialises RunOnce: Consumer is not thread-safe
  Consumer& consumer_ ABSL_GUARDED_BY(run_mu_);
  // consumer_'s batch size, read once so PollOnce need not touch consumer_ outside run_mu_.
  const int batch_size_;
  const Handler handle_;
  const StreamWorkerOptions options_;
  const StreamWorkerCounters counters_;
  PollingThread loop_;  // last: stops before the members its polls use go
};

}  // namespace events::bus
