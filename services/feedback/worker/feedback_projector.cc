#include "services/feedback/worker/feedback_projector.h"

#include <prometheus/counter.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "common/bus/event_bus.h"
#include "events/v1/domain_events.pb.h"
#include "services/feedback/peers/grpc_directories.h"
#include "services/feedback/store/feedback_store.h"

namespace events::feedback {
namespace {

void Count(prometheus::Counter* counter) {
  if (counter != nullptr) counter->Increment();
}

template <typename T>
bool Is(const events::v1::DomainEvent& event, const char* type_prefix) {
  return absl::StartsWith(event.type(), type_prefix) &&
         event.data_type() == T::descriptor()->full_name();
}

}  // namespace

FeedbackProjector::FeedbackProjector(events::bus::Consumer& consumer, FeedbackStore& store,
                                     FeedbackProjectorOptions options,
                                     FeedbackProjectorCounters counters)
    : store_(store),
      options_(options),
      counters_(counters),
      worker_(
          "feedback projector", consumer,
          [this](const events::bus::Delivery& d) { return Handle(d); },
          events::bus::StreamWorkerOptions{options.poll_interval},
          events::bus::StreamWorkerCounters{counters.invalid, counters.errors}) {}

FeedbackProjector::~FeedbackProjector() { Stop(); }

absl::Status FeedbackProjector::Handle(const events::bus::Delivery& delivery) {
  const events::v1::DomainEvent& event = delivery.event;
  absl::Status written;
  bool parsed = true;
  if (Is<events::v1::EventChanged>(event, "event.")) {
    events::v1::EventChanged c;
    parsed = c.ParseFromString(event.data()) && !c.event_id().empty();
    if (parsed) {
      written = store_.UpsertFacts(FactsOf(c.event_id(), c.org_id(), c.series_id(), c.status(),
                                           c.end_unix_ms(), c.time_zone(), c.version()),
                                   options_.default_window_ms);
    }
  } else if (Is<events::v1::RegistrationChanged>(event, "registration.")) {
    events::v1::RegistrationChanged c;
    parsed =
        c.ParseFromString(event.data()) && !c.event_id().empty() && !c.registration_id().empty();
    if (parsed) {
      written = store_.ApplyRegistration(c.event_id(), c.registration_id(), c.status(),
                                         c.attended(), c.version(), event.time_unix_ms());
    }
  } else if (Is<events::v1::AccessibilityRequestChanged>(event, "accessibility.request_")) {
    events::v1::AccessibilityRequestChanged c;
    parsed = c.ParseFromString(event.data()) && !c.event_id().empty() && !c.request_id().empty();
    if (parsed) {
      written = store_.ApplyAccessRequest(c.event_id(), c.request_id(), c.registration_id(),
                                          c.status(), c.version());
    }
  } else {
    Count(counters_.ignored);
    return absl::OkStatus();
  }
  if (!parsed) return absl::InvalidArgumentError("its payload does not parse");
  if (written.ok()) Count(counters_.applied);
  return written;
}

}  // namespace events::feedback
