#include "services/notifications/delivery/intake.h"

#include <prometheus/counter.h>
#include <spdlog/spdlog.h>

#include <vector>

#include "common/bus/event_bus.h"
#include "common/util/clock.h"
#include "services/notifications/domain/plan.h"
#include "services/notifications/peers/peers.h"
#include "services/notifications/store/outbox_store.h"
#include "services/notifications/store/redis_outbox_store.h"

namespace events::notifications {
namespace {

void Count(prometheus::Counter* counter, double n = 1) {
  if (counter != nullptr && n > 0) counter->Increment(n);
}

// `recipient_key` names the recipient in the mail id: the same on every redelivery.
NewMail MailFor(int partition, const events::v1::DomainEvent& event, const Intent& intent,
                const std::string& registration_id, const std::string& to,
                const std::string& recipient_key) {
  NewMail mail{MailId(partition, event.id(), intent.template_name, recipient_key),
               intent.event_id,
               registration_id,
               intent.template_name,
               event.id(),
               to,
               intent.arg,
               intent.member_id,
               intent.urgent};
  return mail;
}

}  // namespace

Intake::Intake(events::bus::Consumer& consumer, OutboxStore& store, Peers& peers,
               const Clock& clock, IntakeOptions options, IntakeCounters counters)
    : store_(store),
      peers_(peers),
      clock_(clock),
      options_(options),
      counters_(counters),
      worker_(
          "notifications intake", consumer,
          [this](const events::bus::Delivery& delivery) { return Handle(delivery); },
          events::bus::StreamWorkerOptions{options.poll_interval},
          events::bus::StreamWorkerCounters{counters.errors, counters.errors}) {}

absl::Status Intake::Handle(const events::bus::Delivery& delivery) {
  const events::v1::DomainEvent& event = delivery.event;
  if (event.org_id().empty()) return absl::OkStatus();
  absl::StatusOr<std::optional<Intent>> planned = PlanFor(event);
  if (!planned.ok()) return planned.status();
  if (!planned->has_value()) return absl::OkStatus();
  const Intent& intent = **planned;
  if (clock_.NowUnixMs() - event.time_unix_ms() > options_.max_event_age.count()) {
    Count(counters_.stale);
    spdlog::info("notifications: {} {} is too old to tell anyone about; no e-mail", event.type(),
                 event.id());
    return absl::OkStatus();
  }
  const int partition = delivery.partition;
  std::vector<NewMail> mail;
  switch (intent.audience) {
    case Audience::kRegistrant:
      mail.push_back(
          MailFor(partition, event, intent, intent.registration_id, "", intent.registration_id));
      break;
    case Audience::kMember:
      // The address is read at send time: the stream and the outbox never carry it first.
      mail.push_back(MailFor(partition, event, intent, "", "", intent.member_id));
      break;
    case Audience::kCoordinators: {
      absl::StatusOr<events::v1::SenderSettings> settings = store_.GetSettings(event.org_id());
      if (absl::IsNotFound(settings.status())) return absl::OkStatus();
      if (!settings.ok()) return settings.status();
      for (const std::string& to : settings->coordinator_emails()) {
        mail.push_back(MailFor(partition, event, intent, "", to, to));
      }
      break;
    }
    case Audience::kEventRegistrants:
      for (events::v1::RegistrationStatus status : intent.statuses) {
        std::string token;
        do {
          absl::StatusOr<events::v1::ListRegistrationsResponse> page =
              peers_.ListRegistrations(event.org_id(), intent.event_id, status, token);
          if (!page.ok()) return page.status();
          std::vector<NewMail> batch;
          batch.reserve(static_cast<size_t>(page->registrations_size()));
          for (const events::v1::Registration& r : page->registrations()) {
            batch.push_back(MailFor(partition, event, intent, r.id(), "", r.id()));
          }
          // Page by page: a long list is never held whole, and a retry remakes nothing.
          absl::StatusOr<int> made =
              store_.Enqueue(partition, event.org_id(), batch, clock_.NowUnixMs());
          if (!made.ok()) return made.status();
          Count(counters_.mail, *made);
          token = page->next_page_token();
        } while (!token.empty());
      }
      return absl::OkStatus();
  }
  absl::StatusOr<int> made = store_.Enqueue(partition, event.org_id(), mail, clock_.NowUnixMs());
  if (!made.ok()) return made.status();
  Count(counters_.mail, *made);
  return absl::OkStatus();
}

}  // namespace events::notifications
