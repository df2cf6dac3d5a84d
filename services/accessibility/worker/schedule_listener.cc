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
    : desk_(desk),
      worker_(
          "accessibility schedule listener", consumer,
          [this](const events::bus::Delivery& d) { return Handle(d); },
          events::bus::StreamWorkerOptions{options.poll_interval}) {}

ScheduleListener::~ScheduleListener() { Stop(); }

absl::Status ScheduleListener::Handle(const events::bus::Delivery& delivery) {
  const events::v1::DomainEvent& event = delivery.event;
  if (!absl::StartsWith(event.type(), "event.") ||
      event.data_type() != events::v1::EventChanged::descriptor()->full_name()) {
    return absl::OkStatus();
  }
  events::v1::EventChanged change;
  if (!change.ParseFromString(event.data()) || change.event_id().empty()) {
    return absl::InvalidArgumentError("its EventChanged payload does not parse");
  }
  return desk_.OnEventChanged(event.type(), change);
}

}  // namespace events::accessibility
