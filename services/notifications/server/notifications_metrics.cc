#include "services/notifications/server/notifications_metrics.h"

namespace events::notifications {

NotificationsMetrics::NotificationsMetrics(prometheus::Registry& registry)
    : mail(prometheus::BuildCounter()
               .Name("events_notifications_mail_total")
               .Help("E-mail tries by template and outcome: sent, retry, deferred, dead, "
                     "undeliverable, skipped")
               .Register(registry)),
      intake(prometheus::BuildCounter()
                 .Name("events_notifications_intake_total")
                 .Help("Domain events read, by what came of them")
                 .Register(registry)),
      made(intake.Add({{"result", "mail_made"}})),
      stale(intake.Add({{"result", "too_old"}})),
      intake_errors(intake.Add({{"result", "error"}})),
      queue_lag(prometheus::BuildHistogram()
                    .Name("events_notifications_queue_lag_seconds")
                    .Help("Seconds from an e-mail being made to its first try")
                    .Register(registry)
                    .Add({}, prometheus::Histogram::BucketBoundaries{0.1, 0.5, 1, 2, 5, 10, 30, 60,
                                                                     300, 900, 3600})),
      store_errors(prometheus::BuildCounter()
                       .Name("events_notifications_store_errors_total")
                       .Help("Redis errors while sending e-mail (the mail is tried again)")
                       .Register(registry)
                       .Add({})),
      // Up to the SMTP session's default timeout (NOTIFICATIONS_SMTP_TIMEOUT_MS, 60 s).
      send_seconds(prometheus::BuildHistogram()
                       .Name("events_notifications_mail_send_seconds")
                       .Help("One SMTP send of one e-mail (its whole session), whatever came of it")
                       .Register(registry)
                       .Add({}, prometheus::Histogram::BucketBoundaries{
                                    0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60})) {}

}  // namespace events::notifications
