#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "events/v1/notifications.pb.h"

namespace events {
class Clock;
}

namespace events::notifications {

class OutboxStore;

// What organisers do with their e-mail: sender settings, the outbox, replaying dead mail.
// `org_id` is the authenticated organiser's organisation. Errors: INVALID_ARGUMENT naming
// the field and the rule; ABORTED for a stale expected_version; NOT_FOUND for a mail id of
// no dead mail of the organisation; UNAVAILABLE when Redis cannot be reached. Thread-safe.
class Notifications {
 public:
  Notifications(OutboxStore& store, const Clock& clock) : store_(store), clock_(clock) {}

  // The saved settings, or empty ones (version 0) when none were saved.
  absl::StatusOr<events::v1::SenderSettings> Settings(const std::string& org_id);
  absl::StatusOr<events::v1::SenderSettings> UpdateSettings(
      const std::string& org_id, const events::v1::UpdateSenderSettingsRequest& request);
  absl::StatusOr<events::v1::ListOutboxResponse> Outbox(
      const std::string& org_id, const events::v1::ListOutboxRequest& request);
  absl::StatusOr<events::v1::ReplayDeadMailResponse> Replay(
      const std::string& org_id, const events::v1::ReplayDeadMailRequest& request);

 private:
  OutboxStore& store_;
  const Clock& clock_;
};

// The rules of SenderSettings (see notifications.proto), addresses normalised in place.
absl::Status ValidateSenderSettings(events::v1::SenderSettings& settings);

}  // namespace events::notifications
