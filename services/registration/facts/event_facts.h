#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "events/v1/scheduling.pb.h"

namespace events::v1 {
class EventChanged;
}

namespace events::registration {

// What registration needs to know about an event. Scheduling owns these facts; registration
// keeps a projection of them in Redis (see docs/registration.md, "Event facts").
struct EventFacts {
  std::string event_id;
  std::string org_id;
  events::v1::EventStatus status = events::v1::EVENT_STATUS_UNSPECIFIED;
  // Scheduling's version of the event: a projection never goes back to an older one.
  int64_t version = 0;
  int64_t start_unix_ms = 0;
  int64_t end_unix_ms = 0;
  int64_t registration_opens_unix_ms = 0;
  int64_t registration_closes_unix_ms = 0;
  int32_t capacity = 0;
  std::string time_zone;
};

EventFacts FactsFromEvent(const events::v1::Event& event);
EventFacts FactsFromChange(const events::v1::EventChanged& change);

// Where the projection is written (implemented by the registration store). Thread-safe.
class FactsWriter {
 public:
  virtual ~FactsWriter() = default;
  // Stores the facts unless the stored ones are as new or newer (by version), in one atomic
  // step; when the capacity rose, promotes from the waiting lists in the same step.
  // OK also when skipped as stale. UNAVAILABLE when Redis is down.
  virtual absl::Status UpsertFacts(const EventFacts& facts) = 0;
};

// Asks scheduling about events over gRPC, always with a deadline. Thread-safe.
class EventDirectory {
 public:
  virtual ~EventDirectory() = default;
  // The event's facts. NOT_FOUND when scheduling has no such (visible) event; UNAVAILABLE
  // when scheduling cannot be reached in time.
  virtual absl::StatusOr<EventFacts> Fetch(const std::string& event_id) = 0;
  // The join link of an event (needs the service key), as scheduling has it now; "" when it
  // has none or is cancelled.
  virtual absl::StatusOr<std::string> JoinLink(const std::string& event_id) = 0;
  // Changes the event's capacity in scheduling on behalf of an organiser, passing on their
  // "authorization" header, and returns the facts as they now are. Scheduling's own errors
  // (PERMISSION_DENIED, NOT_FOUND, INVALID_ARGUMENT, FAILED_PRECONDITION) come back as they are.
  virtual absl::StatusOr<EventFacts> SetCapacity(const std::string& event_id, int32_t capacity,
                                                 const std::string& authorization) = 0;
};

}  // namespace events::registration
