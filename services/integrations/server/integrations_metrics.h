#pragma once

#include "services/integrations/delivery/dispatcher.h"
#include "services/integrations/delivery/event_intake.h"

namespace prometheus {
class Registry;
class Counter;
class Histogram;
template <typename T>
class Family;
}  // namespace prometheus

namespace events::integrations {

// Every metric the integrations service adds to the shared gRPC ones.
struct IntegrationsMetrics {
  explicit IntegrationsMetrics(prometheus::Registry& registry);
  // events_webhook_tries_total{org_id, outcome="delivered|failed|dead|gone"}
  prometheus::Family<prometheus::Counter>& tries;
  // events_webhook_try_duration_seconds{outcome}
  prometheus::Family<prometheus::Histogram>& try_seconds;
  // events_webhook_delivery_attempts{outcome="delivered|dead"}
  prometheus::Family<prometheus::Histogram>& attempts;
  // events_webhook_deliveries_created_total
  prometheus::Counter& created;
  // events_integrations_errors_total{stage="intake|contacts|dispatch"}
  prometheus::Family<prometheus::Counter>& errors;
  prometheus::Counter& intake_errors;
  prometheus::Counter& dispatch_errors;
  prometheus::Counter& contacts_errors;

  DispatcherCounters DispatcherCountersOf();
  EventIntakeCounters IntakeCountersOf();
};

}  // namespace events::integrations
