#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "services/notifications/delivery/dispatcher.h"
#include "services/notifications/delivery/intake.h"

namespace events::notifications {

// The service's own metrics (docs/notifications.md lists them).
struct NotificationsMetrics {
  explicit NotificationsMetrics(prometheus::Registry& registry);

  IntakeCounters IntakeCountersOf() { return {&made, &stale, &intake_errors}; }
  DispatcherMetrics DispatcherMetricsOf() {
    return {&mail, &queue_lag, &store_errors, &send_seconds};
  }

  prometheus::Family<prometheus::Counter>& mail;  // {template, outcome}
  prometheus::Family<prometheus::Counter>& intake;
  prometheus::Counter& made;
  prometheus::Counter& stale;
  prometheus::Counter& intake_errors;
  prometheus::Histogram& queue_lag;
  prometheus::Counter& store_errors;
  prometheus::Histogram& send_seconds;
};

}  // namespace events::notifications
