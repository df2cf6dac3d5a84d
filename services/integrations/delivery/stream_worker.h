#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/util/polling_thread.h"

namespace prometheus {
class Counter;
}
namespace events::bus {
class Consumer;
struct ConsumerOptions;
struct Delivery;
}  // namespace events::bus

namespace events::integrations {

// The consumer settings of the integrations workers: an entry is never dead-lettered for
// being handed out often (a registration or Redis outage of any length must not lose events);
// only the worker dead-letters, for entries that cannot be parsed or fail permanently.
events::bus::ConsumerOptions WorkerConsumerOptions(std::string group, std::string consumer,
                                                   std::chrono::milliseconds claim_idle);
// Consumer groups: webhook intake and the contacts projection read the streams apart, so an
// outage of the registration service never holds back webhook deliveries.
inline constexpr char kWebhookGroup[] = "integrations";
inline constexpr char kContactsGroup[] = "integrations-contacts";

// True for errors that will not go away by trying again (bad data, a refusal): the entry is
// dropped with an error log instead of being retried for ever.
bool IsPermanentError(const absl::Status& status);

struct StreamWorkerOptions {
  // Pause between polls when the last one found nothing to do.
  std::chrono::milliseconds poll_interval{200};
};

// Reads one consumer group and hands every entry to `handle`, acknowledging each entry on
// its own once handled. An entry that cannot be parsed, or whose handling fails permanently
// (IsPermanentError), is logged at error level, counted and acknowledged (dead-lettered).
// Any other failure leaves the entry pending: the group hands it out again after claim_idle,
// for as long as it takes. UNAVAILABLE or DEADLINE_EXCEEDED (a dependency is down) ends the
// batch early, so an outage is not waited out once per entry; the rest stays pending too.
class StreamWorker {
 public:
  using Handler = std::function<absl::Status(const events::bus::Delivery&)>;
  // `name` is for logs; `errors` (may be null) counts failed polls, entries and acks.
  StreamWorker(std::string name, events::bus::Consumer& consumer, Handler handle,
               StreamWorkerOptions options, prometheus::Counter* errors);
  ~StreamWorker();
  StreamWorker(const StreamWorker&) = delete;
  StreamWorker& operator=(const StreamWorker&) = delete;

  // One poll; returns how many entries were acknowledged. The first transient error of an
  // entry (after acknowledging the others handled) when there was one. Thread-safe.
  absl::StatusOr<int> RunOnce();
  void Start();
  // Stops and joins; idempotent.
  void Stop();

 private:
  // One poll for loop_: true when more is waiting.
  bool PollOnce();

  const std::string name_;
  events::bus::Consumer& consumer_;
  const Handler handle_;
  const StreamWorkerOptions options_;
  prometheus::Counter* const errors_;
  std::mutex run_mu_;
  PollingThread loop_;  // last: stops before the members its polls use go
};

}  // namespace events::integrations
