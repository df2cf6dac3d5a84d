#include "services/integrations/server/integrations_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

namespace events::integrations {

IntegrationsMetrics::IntegrationsMetrics(prometheus::Registry& registry)
    : tries(prometheus::BuildCounter()
                .Name("events_webhook_tries_total")
                .Help("Webhook delivery tries, by outcome")
                .Register(registry)),
      delivered(tries.Add({{"outcome", "delivered"}})),
      failed(tries.Add({{"outcome", "failed"}})),
      dead(tries.Add({{"outcome", "dead"}})),
      gone(tries.Add({{"outcome", "gone"}})),
      created(prometheus::BuildCounter()
                  .Name("events_webhook_deliveries_created_total")
                  .Help("Webhook deliveries created from domain events")
                  .Register(registry)
                  .Add({})),
      errors(prometheus::BuildCounter()
                 .Name("events_integrations_errors_total")
                 .Help("Failed polls, reads and writes of the integrations workers")
                 .Register(registry)),
      intake_errors(errors.Add({{"stage", "intake"}})),
      dispatch_errors(errors.Add({{"stage", "dispatch"}})),
      contacts_errors(errors.Add({{"stage", "contacts"}})) {}

DispatcherCounters IntegrationsMetrics::DispatcherCountersOf() {
  return DispatcherCounters{&delivered, &failed, &dead, &gone, &dispatch_errors};
}

EventIntakeCounters IntegrationsMetrics::IntakeCountersOf() {
  return EventIntakeCounters{&created, &intake_errors};
}

}  // namespace events::integrations
