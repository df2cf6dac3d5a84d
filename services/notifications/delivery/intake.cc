#include "services/notifications/delivery/intake.h"

#include <prometheus/counter.h>
#include <spdlog/spdlog.h>

#include <set>
#include <vector>

#include "common/bus/event_bus.h"
#include "common/log/call_context.h"
#include "common/util/clock.h"
#include "common/util/text_rules.h"
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
  NewMail mail{MailId(partition, event.id(), intent.template_name, recipient_key), intent.event_id,
               registration_id, intent.template_name, event.id(), to, intent.arg, intent.member_id,
               intent.urgent,
               // This consumer's span (StreamWorker runs it in the event's trace): the send
               // continues it.
               logging::CurrentTraceParent()};
  return mail;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> Intake::CoordinatorAddresses(const std::string& org_id) {
  std::vector<std::string> found;
  absl::StatusOr<std::vector<events::v1::Member>> members =
      peers_.MembersWithRole(org_id, events::v1::MEMBER_ROLE_ACCESS_COORDINATOR);
  // NOT_FOUND: people knows no such organisation (one made before people existed).
  if (!members.ok() && !absl::IsNotFound(members.status())) return members.status();
  if (members.ok()) {
    for (const events::v1::Member& m : *members) found.push_back(m.email());
  }
  absl::StatusOr<events::v1::SenderSettings> settings = store_.GetSettings(org_id);
  if (!settings.ok() && !absl::IsNotFound(settings.status())) return settings.status();
  if (settings.ok()) {
    found.insert(found.end(), settings->coordinator_emails().begin(),
                 settings->coordinator_emails().end());
  }
  return found;
}

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
      absl::StatusOr<std::vector<std::string>> addresses = CoordinatorAddresses(event.org_id());
      if (!addresses.ok()) return addresses.status();
      // A member with the role whose address is also in the sender settings is told once;
      // addresses compare as registration compares them (case-insensitively).
      std::set<std::string> seen;
      for (const std::string& to : *addresses) {
        std::string key = events::NormaliseEmailAddress(to);
        if (key.empty() || !seen.insert(key).second) continue;
        mail.push_back(MailFor(partition, event, intent, "", to, key));
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
