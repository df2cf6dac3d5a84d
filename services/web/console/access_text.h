#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "events/v1/accessibility.pb.h"
#include "services/web/view/catalogue.h"

// The access desk's words for what the accessibility service answers: pure functions of the
// message catalogue, tested in tests/web/console_access_text_test.cc.
namespace events::web::console {

// How a deadline stands, in whole calendar days in the event's zone `zone` between today (at
// `now_ms`) and the deadline's day: "today", "in 1 day", "in 3 days", "1 day late",
// "2 days late". "" when there is no deadline (0).
std::string DeadlineWords(const Catalogue& messages, int64_t deadline_ms, int64_t now_ms,
                          const std::string& zone);

// Who made a move or read a request: the name recorded with it; "The attendee" and "The system
// (the event moved)" for the service's own actors; otherwise (entries recorded before names
// were) the id: "key key_01...".
std::string ActorWords(const Catalogue& messages, absl::string_view actor,
                       absl::string_view actor_name);

// A request status in words: "Submitted", "In progress", "Cannot be fulfilled"...
std::string RequestStatusWords(const Catalogue& messages, events::v1::RequestStatus status);

// The moves an access coordinator may make from `from`, in the service's workflow
// (docs/accessibility.md "The workflow"): the page offers only these; the service decides.
std::vector<events::v1::RequestStatus> CoordinatorMoves(events::v1::RequestStatus from);

}  // namespace events::web::console
