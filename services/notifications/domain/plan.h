#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "events/v1/domain_events.pb.h"
#include "events/v1/registration.pb.h"

namespace events::notifications {

// Who an e-mail goes to.
enum class Audience {
  kRegistrant,        // the person of `registration_id`
  kEventRegistrants,  // everyone registered for the event in `statuses`
  kCoordinators,      // the organisation's access coordinators (people, sender settings)
  kMember,            // the organisation's member `member_id` (people)
};

// The e-mail one domain event calls for.
struct Intent {
  std::string template_name;
  Audience audience = Audience::kRegistrant;
  std::string event_id;
  std::string registration_id;
  // kEventRegistrants: the statuses told.
  std::vector<events::v1::RegistrationStatus> statuses;
  // What the template needs from the event: see docs/notifications.md, "Templates".
  std::string arg;
  // kMember: whom.
  std::string member_id;
  // Someone is waiting for it (a sign-in link at a browser): it goes ahead of any backlog.
  bool urgent = false;
};

// The e-mail a domain event calls for, or nullopt for one that tells nobody (e.g.
// registration.created, which always comes with .confirmed, .waitlisted or
// .pending_approval). INVALID_ARGUMENT when its data cannot be read: it never will be.
// Pure; thread-safe.
absl::StatusOr<std::optional<Intent>> PlanFor(const events::v1::DomainEvent& event);

// Every template a plan can name, for the template check at start-up and the tests.
const std::vector<std::string>& AllTemplates();

}  // namespace events::notifications
