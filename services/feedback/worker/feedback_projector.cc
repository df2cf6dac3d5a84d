#include "services/feedback/worker/feedback_projector.h"

#include <prometheus/counter.h>
#include <spdlog/spdlog.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "common/bus/event_bus.h"
#include "events/v1/domain_events.pb.h"
#include "services/feedback/clients/grpc_directories.h"
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
    : consumer_(consumer),
      store_(store),
      options_(options),
      counters_(counters),
      loop_(options_.poll_interval, [this] { return PollOnce(); }) {}

FeedbackProjector::~FeedbackProjector() { Stop(); }

absl::Status FeedbackProjector::Handle(const events::bus::Delivery& delivery) {
  const events::v1::DomainEvent& event = delivery.event;
  if (!delivery.parse_error.empty()) {
    spdlog::error("feedback projector: dropping unreadable stream entry {} in partition {}: {}",
                  delivery.stream_id, delivery.partition, delivery.parse_error);
    Count(counters_.invalid);
    return absl::OkStatus();
  }
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
  if (!parsed) {
    spdlog::error(
        "feedback projector: dropping {} {} (stream entry {}): its payload does not parse",
        event.type(), event.id(), delivery.stream_id);
    Count(counters_.invalid);
    return absl::OkStatus();
  }
  if (!written.ok()) {
    Count(counters_.errors);
    spdlog::warn("feedback projector: could not apply {} {} (delivery {}), left pending: {}",
                 event.type(), event.id(), delivery.delivery_count, written.ToString());
    return written;
  }
  Count(counters_.applied);
  return absl::OkStatus();
}

absl::StatusOr<int> FeedbackProjector::RunOnce() {
  std::lock_guard<std::mutex> run_lock(run_mu_);
  absl::StatusOr<events::bus::PollResult> polled = events::bus::PollAndAck(
      consumer_,
      [this](const events::bus::Delivery& delivery) -> absl::StatusOr<events::bus::Handled> {
        absl::Status handled = Handle(delivery);
        if (handled.ok()) return events::bus::Handled::kAck;
        // Redis is down: the rest of the batch would fail the same way.
        if (absl::IsUnavailable(handled)) return handled;
        return events::bus::Handled::kLeavePending;
      });
  if (!polled.ok()) {
    Count(counters_.errors);
    return polled.status();
  }
  if (!polled->stopped.ok()) return polled->stopped;
  return polled->acked;
}

void FeedbackProjector::Start() { loop_.Start(); }

void FeedbackProjector::Stop() { loop_.Stop(); }

bool FeedbackProjector::PollOnce() {
  absl::StatusOr<int> acked = RunOnce();
  if (!acked.ok()) {
    spdlog::warn("feedback projector: poll failed, will retry: {}", acked.status().ToString());
  }
  return acked.ok() && *acked >= consumer_.batch_size();
}

}  // namespace events::feedback
