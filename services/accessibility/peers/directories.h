#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "events/v1/registration.pb.h"
#include "events/v1/scheduling.pb.h"

namespace events::accessibility {

// What accessibility needs to know about an event (from scheduling).
struct EventFacts {
  std::string event_id;
  std::string org_id;
  events::v1::EventStatus status = events::v1::EVENT_STATUS_UNSPECIFIED;
  int64_t version = 0;
  int64_t start_unix_ms = 0;
  int64_t end_unix_ms = 0;
  std::string time_zone;
};

// Who an attendee is (from registration), as their registration token says.
struct Attendee {
  std::string registration_id;
  std::string event_id;
  events::v1::RegistrationStatus status = events::v1::REGISTRATION_STATUS_UNSPECIFIED;
};

// Scheduling, as far as accessibility asks it. Thread-safe.
class EventDirectory {
 public:
  virtual ~EventDirectory() = default;
  // The event's facts (drafts included). NOT_FOUND for an unknown event; UNAVAILABLE when
  // scheduling does not answer in time.
  virtual absl::StatusOr<EventFacts> Fetch(const std::string& event_id) = 0;
};

// Registration, as far as accessibility asks it. Thread-safe.
class RegistrationDirectory {
 public:
  virtual ~RegistrationDirectory() = default;
  // The registration a token belongs to. NOT_FOUND (or INVALID_ARGUMENT) for a token
  // registration does not know; UNAVAILABLE when registration does not answer.
  virtual absl::StatusOr<Attendee> Verify(const std::string& registration_token) = 0;
  // The name on a registration, for access coordinators' lists and reads (accessibility
  // never stores it). NOT_FOUND for a registration registration does not know; UNAVAILABLE
  // when registration does not answer.
  virtual absl::StatusOr<std::string> NameOf(const std::string& registration_id) = 0;
};

}  // namespace events::accessibility
