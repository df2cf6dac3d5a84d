#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "events/v1/scheduling.pb.h"

namespace events::scheduling {

// What an organiser does to an event.
enum class Action { kUpdate, kSetAgenda, kPublish, kReschedule, kCancel, kComplete };

absl::string_view ActionName(Action action);

// The lifecycle: draft -> published -> completed, draft|published -> cancelled; details
// and agenda change while draft or published; only a published event is rescheduled (a
// draft's time is simply edited). OK when `action` is allowed from `from`, otherwise
// FAILED_PRECONDITION saying why and what is possible instead.
absl::Status CheckTransition(events::v1::EventStatus from, Action action,
                             absl::string_view event_id);

// The status an allowed action leads to.
events::v1::EventStatus StatusAfter(events::v1::EventStatus from, Action action);

// Human words for a status: "draft", "published"...
absl::string_view StatusWord(events::v1::EventStatus status);

}  // namespace events::scheduling
