#pragma once

#include <string>

#include "absl/status/status.h"
#include "events/v1/accessibility.pb.h"

namespace events::accessibility {

// The fulfilment workflow (docs/accessibility.md draws it):
//   submitted -> acknowledged -> in progress -> fulfilled | unfulfillable
// A coordinator may skip forward (a request met at once goes straight to fulfilled), may
// take up again a request marked unfulfillable (-> in progress), and confirms again a request
// whose provision needs re-confirmation (-> fulfilled, in progress or unfulfillable).
// The attendee may withdraw from any status but withdrawn. Only the system moves a
// fulfilled request to needs re-confirmation (after a reschedule or cancellation).

// "submitted", "acknowledged", "in progress", "fulfilled", "cannot be fulfilled",
// "withdrawn", "needs re-confirmation".
std::string StatusWords(events::v1::RequestStatus status);

// Still waiting for something to be arranged: submitted, acknowledged, in progress or
// needs re-confirmation.
bool IsOpen(events::v1::RequestStatus status);

// OK when a coordinator may move a request from `from` to `to`; FAILED_PRECONDITION saying
// from what to what otherwise (INVALID_ARGUMENT when `to` is never a coordinator's target).
absl::Status CoordinatorMayMove(events::v1::RequestStatus from, events::v1::RequestStatus to);

// OK when the attendee may still change or withdraw the request; FAILED_PRECONDITION once
// withdrawn.
absl::Status AttendeeMayChange(events::v1::RequestStatus status, const char* what);

}  // namespace events::accessibility
