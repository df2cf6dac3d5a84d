#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/string_view.h"
#include "events/v1/domain_events.pb.h"
#include "events/v1/scheduling.pb.h"
#include "services/scheduling/store/event_store.h"

namespace events {
class IdGenerator;
}

namespace events::scheduling {

// Domain-event types this service emits.
inline constexpr absl::string_view kEventCreated = "event.created";
inline constexpr absl::string_view kEventUpdated = "event.updated";
inline constexpr absl::string_view kEventPublished = "event.published";
inline constexpr absl::string_view kEventRescheduled = "event.rescheduled";
inline constexpr absl::string_view kEventCancelled = "event.cancelled";
inline constexpr absl::string_view kEventCompleted = "event.completed";
inline constexpr absl::string_view kEventReminderDue = "event.reminder_due";
inline constexpr absl::string_view kSource = "scheduling";

// An EventChanged domain event about `event` as it now is. Integrations forward these to
// webhooks, so `reason` (free text) loses every copy of the event's join link.
events::v1::DomainEvent MakeEventChanged(absl::string_view type, const events::v1::Event& event,
                                         const IdGenerator& ids, int64_t now_unix_ms,
                                         int64_t previous_start_unix_ms = 0,
                                         absl::string_view reason = {});

// The reminder jobs of a published event: one per reminder offset whose time is still
// ahead of now. Job ids carry the event's sequence, so a reschedule makes new ones.
std::vector<DelayedJob> ReminderJobs(const events::v1::Event& event, int64_t now_unix_ms);

}  // namespace events::scheduling
