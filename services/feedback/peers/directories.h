#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "services/feedback/store/feedback_store.h"

namespace events::feedback {

// An attendee's registration, as the registration service tells it.
struct AttendeeRegistration {
  std::string registration_id;
  std::string event_id;
  int status = 0;  // events.v1.RegistrationStatus
  bool attended = false;
};

// Scheduling, as far as feedback asks it. Thread-safe.
class EventDirectory {
 public:
  virtual ~EventDirectory() = default;
  // The facts of an event (its end month worked out in its time zone). NOT_FOUND for an
  // unknown event; UNAVAILABLE when scheduling cannot be reached.
  virtual absl::StatusOr<EventFacts> Fetch(const std::string& event_id) = 0;
};

// Registration, as far as feedback asks it. Thread-safe.
class RegistrationDirectory {
 public:
  virtual ~RegistrationDirectory() = default;
  // The registration a token belongs to. INVALID_ARGUMENT for a malformed token, NOT_FOUND
  // when no registration matches; UNAVAILABLE when registration cannot be reached.
  virtual absl::StatusOr<AttendeeRegistration> Verify(const std::string& token) = 0;
};

}  // namespace events::feedback
