#pragma once

#include <chrono>
#include <functional>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "common/util/mutex.h"
#include "common/util/polling_thread.h"
#include "common/util/thread_pool.h"

namespace prometheus {
class Counter;
class Histogram;
template <typename T>
class Family;
}  // namespace prometheus
namespace events {
class Clock;
}

namespace events::integrations {

class IntegrationsStore;
class SecretBox;
class WebhookSender;
struct ClaimedDelivery;
enum class TryOutcome;

struct DispatcherOptions {
  std::chrono::milliseconds poll_interval{500};
  // How long a claimed try is ours: longer than the HTTP timeout, so a slow receiver is not
  // tried twice at once; a crashed dispatcher's claims come back after it.
  std::chrono::milliseconds lease{60000};
  // The longest one try may take (the HTTP timeout). A claimed try that could not finish
  // before its lease ends (it waited too long for a thread) is left for the next claim
  // rather than risk two processes sending it at once.
  std::chrono::milliseconds try_time{10000};
  // Deliveries claimed per partition per poll.
  int batch = 20;
  // Tries in flight at once.
  int threads = 8;
  // Multiplies every retry delay. 1 in production; test-only values (e.g. 0.001) make the
  // three-day schedule run in seconds (INTEGRATIONS_RETRY_SCALE).
  double retry_scale = 1.0;
};
// Each may be null (not counted).
struct DispatcherCounters {
  // events_webhook_tries_total{org_id, outcome}: "delivered" (2xx), "failed" (to be retried),
  // "dead" (dead-lettered after the last try), "gone" (410: endpoint disabled).
  prometheus::Family<prometheus::Counter>* tries = nullptr;
  // events_webhook_try_duration_seconds{outcome}: the HTTP request of each try that made one.
  prometheus::Family<prometheus::Histogram>* try_seconds = nullptr;
  // events_webhook_delivery_attempts{outcome="delivered|dead"}: tries a delivery took to end.
  prometheus::Family<prometheus::Histogram>* attempts = nullptr;
  prometheus::Counter* errors = nullptr;  // Redis errors
};

// Sends due webhook deliveries: claims them with a lease (so several replicas never send the
// same try at once), signs them (Standard Webhooks: webhook-id is the domain event's id, the
// same on every try; webhook-timestamp is this try's time), posts them, and records the
// outcome: 2xx delivered; 410 delivered-gone and the endpoint disabled; anything else a
// retry after RetrySchedule's delay, or after the last try the dead-letter list.
class Dispatcher {
 public:
  // `jitter` returns numbers in [0, 1); null means a random source.
  Dispatcher(IntegrationsStore& store, const SecretBox& secrets, WebhookSender& sender,
             const Clock& clock, DispatcherOptions options, DispatcherCounters counters,
             std::function<double()> jitter);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Claims what is due and makes those tries, returning when all are recorded. Returns how
  // many tries were made. UNAVAILABLE when Redis cannot be reached. Serialised.
  absl::StatusOr<int> RunOnce() ABSL_LOCKS_EXCLUDED(run_mu_);
  void Start();
  // Stops and joins; idempotent. Tries in progress are cut short (WebhookSender::Abort, for
  // good: the sender stays aborted) and not recorded, so a slow receiver cannot hold a
  // shutdown up; their leases bring them back, with the same webhook-id.
  void Stop();

 private:
  void Try(const ClaimedDelivery& delivery) ABSL_LOCKS_EXCLUDED(jitter_mu_);
  // The metrics of one recorded try; `http_seconds` < 0 when it made no HTTP request.
  void CountTry(const ClaimedDelivery& delivery, TryOutcome outcome, double http_seconds);
  // One poll for loop_: true when more is waiting.
  bool PollOnce();

  IntegrationsStore& store_;
  const SecretBox& secrets_;
  WebhookSender& sender_;
  const Clock& clock_;
  const DispatcherOptions options_;
  const DispatcherCounters counters_;
  Mutex jitter_mu_;
  std::function<double()> jitter_ ABSL_GUARDED_BY(jitter_mu_);
  events::ThreadPool pool_;
  Mutex run_mu_;        // serialises RunOnce
  PollingThread loop_;  // last: stops before the members its polls use go
};

}  // namespace events::integrations
