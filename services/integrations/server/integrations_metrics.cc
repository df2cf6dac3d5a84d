#include "services/integrations/server/integrations_metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace events::integrations {

IntegrationsMetrics::IntegrationsMetrics(prometheus::Registry& registry)
    : tries(prometheus::BuildCounter()
                .Name("events_webhook_tries_total")
                .Help("Webhook delivery tries, by organisation and outcome")
                .Register(registry)),
      try_seconds(prometheus::BuildHistogram()
                      .Name("events_webhook_try_duration_seconds")
                      .Help("The HTTP request of one webhook try, by outcome")
                      .Register(registry)),
      attempts(prometheus::BuildHistogram()
                   .Name("events_webhook_delivery_attempts")
                   .Help("Tries a webhook delivery took to end, delivered or dead")
                   .Register(registry)),
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
  return DispatcherCounters{&tries, &try_seconds, &attempts, &dispatch_errors};
}

EventIntakeCounters IntegrationsMetrics::IntakeCountersOf() {
  return EventIntakeCounters{&created, &intake_errors};
}

}  // namespace events::integrations
