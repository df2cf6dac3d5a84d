#include "services/integrations/delivery/event_intake.h"

#include <prometheus/counter.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/bus/event_bus.h"
#include "common/log/call_context.h"
#include "common/util/clock.h"
#include "services/integrations/store/integrations_store.h"
#include "services/integrations/webhooks/event_types.h"
#include "services/integrations/webhooks/payload.h"

namespace events::integrations {
namespace {

void Count(prometheus::Counter* counter, double n = 1) {
  if (counter != nullptr && n > 0) counter->Increment(n);
}

}  // namespace

EventIntake::EventIntake(events::bus::Consumer& consumer, IntegrationsStore& store,
                         const Clock& clock, EventIntakeOptions options,
                         EventIntakeCounters counters)
    : store_(store),
      clock_(clock),
      counters_(counters),
      worker_(
          "integrations intake", consumer,
          [this](const events::bus::Delivery& delivery) { return Handle(delivery); },
          events::bus::StreamWorkerOptions{options.poll_interval},
          events::bus::StreamWorkerCounters{counters.errors, counters.errors}) {}

absl::Status EventIntake::Handle(const events::bus::Delivery& delivery) {
  const events::v1::DomainEvent& event = delivery.event;
  if (event.org_id().empty()) return absl::OkStatus();
  absl::StatusOr<std::vector<StoredWebhook>> webhooks = store_.ListWebhooks(event.org_id());
  if (!webhooks.ok()) return webhooks.status();
  std::vector<NewDelivery> out;
  std::string body;
  // This consumer's span (StreamWorker runs it in the event's trace): the tries continue it.
  const std::string traceparent = logging::CurrentTraceParent();
  for (const StoredWebhook& w : *webhooks) {
    // A subscription gets what happens after it was made, not the stream's backlog.
    if (!w.webhook.enabled() || event.time_unix_ms() < w.webhook.created_unix_ms() ||
        !MatchesEventType({w.webhook.event_types().begin(), w.webhook.event_types().end()},
                          event.type())) {
      continue;
    }
    if (body.empty()) body = WebhookBody(event);
    out.push_back(
        NewDelivery{absl::StrCat(delivery.partition, "/", event.id(), "/", w.webhook.id()),
                    event.org_id(), w.webhook.id(), event.id(), event.type(), body, traceparent});
  }
  if (out.empty()) return absl::OkStatus();
  absl::StatusOr<int> made = store_.Enqueue(delivery.partition, out, clock_.NowUnixMs());
  if (!made.ok()) return made.status();
  Count(counters_.deliveries, *made);
  return absl::OkStatus();
}

}  // namespace events::integrations
