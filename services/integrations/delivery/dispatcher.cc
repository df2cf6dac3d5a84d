#include "services/integrations/delivery/dispatcher.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log/call_context.h"
#include "common/log/log_fields.h"
#include "common/util/clock.h"
#include "services/integrations/delivery/webhook_sender.h"
#include "services/integrations/store/integrations_store.h"
#include "services/integrations/webhooks/retry_schedule.h"
#include "services/integrations/webhooks/secret_box.h"
#include "services/integrations/webhooks/signature.h"

namespace events::integrations {
namespace {

void Count(prometheus::Counter* counter) {
  if (counter != nullptr) counter->Increment();
}

// The outcome label of a recorded try (kDropped is not counted).
const char* OutcomeLabel(TryOutcome outcome) {
  switch (outcome) {
    case TryOutcome::kDelivered:
      return "delivered";
    case TryOutcome::kGone:
      return "gone";
    case TryOutcome::kRetry:
      return "failed";
    case TryOutcome::kDead:
      return "dead";
    case TryOutcome::kDropped:
      break;
  }
  return "";
}

// Up to the sender's default timeout (10 s) and a little past it.
const std::vector<double>& TrySecondsBuckets() {
  static const std::vector<double> kBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                            0.5,   1,    2.5,   5,    10,  15};
  return kBuckets;
}

// The retry schedule has 11 tries (RetrySchedule); a replay starts again at 1.
const std::vector<double>& AttemptBuckets() {
  static const std::vector<double> kBuckets{1, 2, 3, 5, 8, 13};
  return kBuckets;
}

// The one line per webhook that reached its receiver, to follow a registration to it: the
// ids, the status and the attempt, never the URL, the secret or the body.
void LogDelivered(const ClaimedDelivery& d, int http_status) {
  logging::LogWithFields(spdlog::level::info, "webhook delivered",
                         {{"delivery_id", d.delivery_id},
                          {"webhook_id", d.webhook_id},
                          {"org_id", d.org_id},
                          {"event_type", d.event_type},
                          {"message_id", d.message_id},
                          {"http_status", absl::StrCat(http_status), true},
                          {"attempt", absl::StrCat(d.attempt), true}});
}

}  // namespace

Dispatcher::Dispatcher(IntegrationsStore& store, const SecretBox& secrets, WebhookSender& sender,
                       const Clock& clock, DispatcherOptions options, DispatcherCounters counters,
                       std::function<double()> jitter)
    : store_(store),
      secrets_(secrets),
      sender_(sender),
      clock_(clock),
      options_(options),
      counters_(counters),
      jitter_(std::move(jitter)),
      pool_(options.threads),
      loop_(options_.poll_interval, [this] { return PollOnce(); }) {
  if (!jitter_) {
    auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
    jitter_ = [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
  }
  // Every outcome's series from the start, at zero: a dashboard or an alert on them has a
  // series to read before the first delivery ends (docs/operations.md, "Metrics").
  for (const char* outcome : {"delivered", "dead"}) {
    if (counters_.attempts != nullptr) {
      counters_.attempts->Add({{"outcome", outcome}}, AttemptBuckets());
    }
    if (counters_.try_seconds != nullptr) {
      counters_.try_seconds->Add({{"outcome", outcome}}, TrySecondsBuckets());
    }
  }
  if (counters_.try_seconds != nullptr) {
    for (const char* outcome : {"failed", "gone"}) {
      counters_.try_seconds->Add({{"outcome", outcome}}, TrySecondsBuckets());
    }
  }
}

Dispatcher::~Dispatcher() { Stop(); }

absl::StatusOr<int> Dispatcher::RunOnce() {
  MutexLock run_lock(&run_mu_);
  absl::StatusOr<std::vector<ClaimedDelivery>> claimed =
      store_.Claim(clock_.NowUnixMs(), options_.lease.count(), options_.batch);
  if (!claimed.ok()) {
    Count(counters_.errors);
    return claimed.status();
  }
  pool_.RunEach(claimed->size(), [this, &claimed](size_t i) { Try((*claimed)[i]); });
  return static_cast<int>(claimed->size());
}

void Dispatcher::Try(const ClaimedDelivery& d) {
  // A try runs in the trace of the event that caused the delivery (the intake's span is the
  // parent), so its lines carry trace_id.
  logging::ScopedCall in_trace(logging::ContinueStoredTrace(d.traceparent));
  if (clock_.NowUnixMs() + options_.try_time.count() > d.claimed_unix_ms + options_.lease.count()) {
    spdlog::debug("webhook delivery {}: its lease is nearly over, left for the next claim",
                  d.delivery_id);
    return;
  }
  TryResult result;
  double http_seconds = -1;  // no HTTP request made (yet)
  absl::StatusOr<StoredWebhook> webhook = store_.GetWebhook(d.org_id, d.webhook_id);
  if (absl::IsNotFound(webhook.status())) {
    result.outcome = TryOutcome::kDropped;
    result.error = "the webhook was deleted";
  } else if (!webhook.ok()) {
    // Redis trouble: the lease expires and the try is made later.
    Count(counters_.errors);
    spdlog::warn("webhook delivery {}: cannot read its webhook: {}", d.delivery_id,
                 webhook.status().ToString());
    return;
  } else if (!webhook->webhook.enabled()) {
    result.outcome = TryOutcome::kDead;
    result.error = absl::StrCat("the webhook is disabled (", webhook->webhook.disabled_reason(),
                                "): replay it once enabled");
  } else {
    absl::StatusOr<std::string> secret =
        secrets_.Open(webhook->sealed_secret, webhook->secret_key_id, d.webhook_id);
    WebhookRequest request;
    SendResult sent;
    if (!secret.ok()) {
      sent.error = absl::StrCat("cannot open the webhook secret: ", secret.status().message());
    } else {
      request.url = webhook->webhook.url();
      request.message_id = d.message_id;
      request.timestamp_seconds = clock_.NowUnixMs() / 1000;
      request.body = d.body;
      // The client side of this HTTP call as the receiver's parent, as for a gRPC call.
      request.traceparent = logging::CurrentCall()->NextTraceParent();
      absl::StatusOr<std::string> signature =
          SignWebhook(*secret, request.message_id, request.timestamp_seconds, request.body);
      if (!signature.ok()) {
        sent.error = std::string(signature.status().message());
      } else {
        request.signature = *signature;
        const auto started = std::chrono::steady_clock::now();
        sent = sender_.Send(request);
        http_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      }
    }
    if (sent.aborted) {
      // Stopping: no outcome to record; the lease brings the try back, same webhook-id.
      spdlog::info("webhook delivery {}: try {} {}; it is made again after its lease",
                   d.delivery_id, d.attempt, sent.error);
      return;
    }
    result.http_status = sent.http_status;
    result.error = sent.error;
    if (sent.http_status >= 200 && sent.http_status <= 299) {
      result.outcome = TryOutcome::kDelivered;
      result.error.clear();
    } else if (sent.http_status == 410) {
      result.outcome = TryOutcome::kGone;
    } else {
      double jitter;
      {
        MutexLock lock(&jitter_mu_);
        jitter = jitter_();
      }
      std::optional<int64_t> delay = RetrySchedule::DelayMsAfter(d.attempt, jitter);
      if (delay.has_value()) {
        result.outcome = TryOutcome::kRetry;
        result.next_due_ms = clock_.NowUnixMs() + static_cast<int64_t>(static_cast<double>(*delay) *
                                                                       options_.retry_scale);
      } else {
        result.outcome = TryOutcome::kDead;
      }
    }
  }
  result.now_ms = clock_.NowUnixMs();
  absl::StatusOr<bool> recorded = store_.Record(d, result);
  if (!recorded.ok()) {
    Count(counters_.errors);
    spdlog::warn("webhook delivery {}: cannot record try {}: {}", d.delivery_id, d.attempt,
                 recorded.status().ToString());
    return;
  }
  CountTry(d, result.outcome, http_seconds);
  switch (result.outcome) {
    case TryOutcome::kDelivered:
      LogDelivered(d, result.http_status);
      break;
    case TryOutcome::kGone:
      spdlog::warn("webhook {} answered 410 Gone: disabled", d.webhook_id);
      break;
    case TryOutcome::kRetry:
      break;
    case TryOutcome::kDead:
      spdlog::warn("webhook delivery {} dead-lettered after {} tries: {}", d.delivery_id, d.attempt,
                   result.error);
      break;
    case TryOutcome::kDropped:
      break;
  }
}

void Dispatcher::CountTry(const ClaimedDelivery& d, TryOutcome outcome, double http_seconds) {
  const std::string label = OutcomeLabel(outcome);
  if (label.empty()) return;
  if (counters_.tries != nullptr) {
    counters_.tries->Add({{"org_id", d.org_id}, {"outcome", label}}).Increment();
  }
  if (counters_.try_seconds != nullptr && http_seconds >= 0) {
    counters_.try_seconds->Add({{"outcome", label}}, TrySecondsBuckets()).Observe(http_seconds);
  }
  // A delivery ends delivered or dead; a 410 ends it too, but as neither (the receiver asked
  // for no more), so it is not in the attempts histogram.
  if (counters_.attempts != nullptr &&
      (outcome == TryOutcome::kDelivered || outcome == TryOutcome::kDead)) {
    counters_.attempts->Add({{"outcome", label}}, AttemptBuckets()).Observe(d.attempt);
  }
}

void Dispatcher::Start() { loop_.Start(); }

void Dispatcher::Stop() {
  // Tries in progress end at once (the receiver may be slow): stopping waits for none.
  sender_.Abort();
  loop_.Stop();
}

bool Dispatcher::PollOnce() {
  absl::StatusOr<int> tried = RunOnce();
  if (!tried.ok()) {
    spdlog::warn("webhook dispatcher: poll failed, will retry: {}", tried.status().ToString());
  }
  return tried.ok() && *tried > 0;
}

}  // namespace events::integrations
