#include "services/registration/facts/facts_projector.h"

#include <prometheus/counter.h>
#include <spdlog/spdlog.h>

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
    : consumer_(consumer),
      writer_(writer),
      options_(options),
      counters_(counters),
      loop_(options_.poll_interval, [this] { return PollOnce(); }) {}

FactsProjector::~FactsProjector() { Stop(); }

void FactsProjector::Count(prometheus::Counter* counter) {
  if (counter != nullptr) counter->Increment();
}

absl::StatusOr<int> FactsProjector::RunOnce() {
  std::lock_guard<std::mutex> run_lock(run_mu_);
  // Most entries are other services' events: acking them in one XACK per partition keeps
  // the projection's cost per registration small.
  absl::StatusOr<events::bus::PollResult> polled = events::bus::PollAndAck(
      consumer_, [this](const events::bus::Delivery& d) { return Handle(d); });
  if (!polled.ok()) {
    Count(counters_.errors);
    return polled.status();
  }
  if (!polled->stopped.ok()) return polled->stopped;
  return polled->acked;
}

absl::StatusOr<events::bus::Handled> FactsProjector::Handle(const events::bus::Delivery& delivery) {
  prometheus::Counter* acked_as = counters_.applied;
  const events::v1::DomainEvent& event = delivery.event;
  if (!delivery.parse_error.empty()) {
    // It will never parse: acking keeps it from coming back until it is dead-lettered.
    spdlog::error("facts projector: dropping unreadable stream entry {} in partition {}: {}",
                  delivery.stream_id, delivery.partition, delivery.parse_error);
    acked_as = counters_.invalid;
  } else if (!absl::StartsWith(event.type(), kEventTypePrefix) ||
             event.data_type() != EventChangedType()) {
    acked_as = counters_.ignored;
  } else {
    events::v1::EventChanged change;
    if (!change.ParseFromString(event.data()) || change.event_id().empty()) {
      spdlog::error(
          "facts projector: dropping {} {} (stream entry {}): its EventChanged payload does not "
          "parse or has no event_id",
          event.type(), event.id(), delivery.stream_id);
      acked_as = counters_.invalid;
    } else {
      absl::Status written = writer_.UpsertFacts(FactsFromChange(change));
      if (!written.ok()) {
        Count(counters_.errors);
        spdlog::warn(
            "facts projector: could not store the facts of event {} version {} from {} "
            "(delivery {}), left pending for a retry: {}",
            change.event_id(), change.version(), event.id(), delivery.delivery_count,
            written.ToString());
        // Redis is down: the rest of the batch would fail the same way.
        if (absl::IsUnavailable(written)) return written;
        return events::bus::Handled::kLeavePending;
      }
    }
  }
  Count(acked_as);
  return events::bus::Handled::kAck;
}

void FactsProjector::Start() { loop_.Start(); }

void FactsProjector::Stop() { loop_.Stop(); }

bool FactsProjector::PollOnce() {
  absl::StatusOr<int> acked = RunOnce();
  if (!acked.ok()) {
    spdlog::warn("facts projector: poll failed, will retry: {}", acked.status().ToString());
  }
  // More is waiting after a full poll; otherwise pace the polling, so that a busy stream
  // is read in large batches rather than one entry at a time.
  return acked.ok() && *acked >= consumer_.batch_size();
}

}  // namespace events::registration
