#include "services/registration/facts/facts_projector.h"

#include <prometheus/counter.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "common/bus/event_bus.h"
#include "events/v1/domain_events.pb.h"
#include "services/registration/facts/event_facts.h"

namespace events::registration {
namespace {

constexpr char kEventTypePrefix[] = "event.";

// The payload this projector reads; other event.* payloads (e.g. event.reminder_due's
// EventReminderDue) carry no facts.
const std::string& EventChangedType() {
  static const std::string* const type =
      new std::string(events::v1::EventChanged::descriptor()->full_name());
  return *type;
}

}  // namespace

FactsProjector::FactsProjector(events::bus::Consumer& consumer, FactsWriter& writer,
                               Options options, Counters counters)
    : writer_(writer),
      counters_(counters),
      worker_(
          "facts projector", consumer, [this](const events::bus::Delivery& d) { return Handle(d); },
          events::bus::StreamWorkerOptions{options.poll_interval},
          events::bus::StreamWorkerCounters{counters.invalid, counters.errors}) {}

FactsProjector::~FactsProjector() { Stop(); }

absl::Status FactsProjector::Handle(const events::bus::Delivery& delivery) {
  const events::v1::DomainEvent& event = delivery.event;
  // Most entries are other services' events: acked unread (in one XACK per partition, which
  // keeps the projection's cost per registration small).
  if (!absl::StartsWith(event.type(), kEventTypePrefix) ||
      event.data_type() != EventChangedType()) {
    if (counters_.ignored != nullptr) counters_.ignored->Increment();
    return absl::OkStatus();
  }
  events::v1::EventChanged change;
  if (!change.ParseFromString(event.data()) || change.event_id().empty()) {
    return absl::InvalidArgumentError("its EventChanged payload does not parse or has no event_id");
  }
  absl::Status written = writer_.UpsertFacts(FactsFromChange(change));
  if (written.ok() && counters_.applied != nullptr) counters_.applied->Increment();
  return written;
}

}  // namespace events::registration
