#include "services/accessibility/worker/schedule_listener.h"

#include <spdlog/spdlog.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "common/bus/event_bus.h"
#include "events/v1/domain_events.pb.h"
#include "services/accessibility/domain/access_desk.h"

namespace events::accessibility {

ScheduleListener::ScheduleListener(events::bus::Consumer& consumer, AccessDesk& desk,
                                   ScheduleListenerOptions options)
    : consumer_(consumer),
      desk_(desk),
      options_(options),
      loop_(options_.poll_interval, [this] { return PollOnce(); }) {}

ScheduleListener::~ScheduleListener() { Stop(); }

absl::StatusOr<int> ScheduleListener::RunOnce() {
  std::lock_guard<std::mutex> run_lock(run_mu_);
  absl::StatusOr<events::bus::PollResult> polled = events::bus::PollAndAck(
      consumer_, [this](const events::bus::Delivery& d) { return Handle(d); });
  if (!polled.ok()) return polled.status();
  if (!polled->stopped.ok()) return polled->stopped;
  return polled->acked;
}

absl::StatusOr<events::bus::Handled> ScheduleListener::Handle(
    const events::bus::Delivery& delivery) {
  const events::v1::DomainEvent& event = delivery.event;
  if (!delivery.parse_error.empty()) {
    spdlog::error("accessibility: dropping unreadable stream entry {} in partition {}: {}",
                  delivery.stream_id, delivery.partition, delivery.parse_error);
    return events::bus::Handled::kAck;
  }
  if (!absl::StartsWith(event.type(), "event.") ||
      event.data_type() != events::v1::EventChanged::descriptor()->full_name()) {
    return events::bus::Handled::kAck;
  }
  events::v1::EventChanged change;
  if (!change.ParseFromString(event.data()) || change.event_id().empty()) {
    spdlog::error("accessibility: dropping {} {}: its EventChanged payload does not parse",
                  event.type(), event.id());
    return events::bus::Handled::kAck;
  }
  absl::Status s = desk_.OnEventChanged(event.type(), change);
  if (s.ok()) return events::bus::Handled::kAck;
  spdlog::warn("accessibility: could not follow {} of event {} (delivery {}), left pending: {}",
               event.type(), change.event_id(), delivery.delivery_count, s.ToString());
  if (absl::IsUnavailable(s)) return s;
  return events::bus::Handled::kLeavePending;
}

void ScheduleListener::Start() { loop_.Start(); }

void ScheduleListener::Stop() { loop_.Stop(); }

bool ScheduleListener::PollOnce() {
  absl::StatusOr<int> acked = RunOnce();
  if (!acked.ok()) {
    spdlog::warn("accessibility schedule listener: poll failed, will retry: {}",
                 acked.status().ToString());
  }
  return acked.ok() && *acked >= consumer_.batch_size();
}

}  // namespace events::accessibility
