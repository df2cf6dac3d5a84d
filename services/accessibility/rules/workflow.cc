#include "services/accessibility/rules/workflow.h"

#include "absl/strings/str_cat.h"

namespace events::accessibility {

using events::v1::RequestStatus;

std::string StatusWords(RequestStatus status) {
  switch (status) {
    case events::v1::REQUEST_STATUS_SUBMITTED:
      return "submitted";
    case events::v1::REQUEST_STATUS_ACKNOWLEDGED:
      return "acknowledged";
    case events::v1::REQUEST_STATUS_IN_PROGRESS:
      return "in progress";
    case events::v1::REQUEST_STATUS_FULFILLED:
      return "fulfilled";
    case events::v1::REQUEST_STATUS_UNFULFILLABLE:
      return "cannot be fulfilled";
    case events::v1::REQUEST_STATUS_WITHDRAWN:
      return "withdrawn";
    case events::v1::REQUEST_STATUS_NEEDS_RECONFIRMATION:
      return "needs re-confirmation";
    default:
      return "unspecified";
  }
}

bool IsOpen(RequestStatus status) {
  return status == events::v1::REQUEST_STATUS_SUBMITTED ||
         status == events::v1::REQUEST_STATUS_ACKNOWLEDGED ||
         status == events::v1::REQUEST_STATUS_IN_PROGRESS ||
         status == events::v1::REQUEST_STATUS_NEEDS_RECONFIRMATION;
}

namespace {

// The workflow order, so that "forward" can be checked.
int Rank(RequestStatus s) {
  switch (s) {
    case events::v1::REQUEST_STATUS_SUBMITTED:
      return 1;
    case events::v1::REQUEST_STATUS_ACKNOWLEDGED:
      return 2;
    case events::v1::REQUEST_STATUS_IN_PROGRESS:
      return 3;
    default:
      return 0;
  }
}

bool Allowed(RequestStatus from, RequestStatus to) {
  using namespace events::v1;  // NOLINT: the status names only
  switch (to) {
    case REQUEST_STATUS_ACKNOWLEDGED:
    case REQUEST_STATUS_IN_PROGRESS:
      if (from == REQUEST_STATUS_UNFULFILLABLE || from == REQUEST_STATUS_NEEDS_RECONFIRMATION) {
        return to == REQUEST_STATUS_IN_PROGRESS;
      }
      return Rank(from) > 0 && Rank(from) < Rank(to);
    case REQUEST_STATUS_FULFILLED:
    case REQUEST_STATUS_UNFULFILLABLE:
      return IsOpen(from);
    default:
      return false;
  }
}

}  // namespace

absl::Status CoordinatorMayMove(RequestStatus from, RequestStatus to) {
  if (to != events::v1::REQUEST_STATUS_ACKNOWLEDGED &&
      to != events::v1::REQUEST_STATUS_IN_PROGRESS && to != events::v1::REQUEST_STATUS_FULFILLED &&
      to != events::v1::REQUEST_STATUS_UNFULFILLABLE) {
    return absl::InvalidArgumentError(
        "to must be ACKNOWLEDGED, IN_PROGRESS, FULFILLED or UNFULFILLABLE (attendees withdraw; "
        "the system asks for re-confirmation)");
  }
  if (Allowed(from, to)) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("a request cannot move from ", StatusWords(from), " to ", StatusWords(to)));
}

absl::Status AttendeeMayChange(RequestStatus status, const char* what) {
  if (status != events::v1::REQUEST_STATUS_WITHDRAWN) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat("the request is withdrawn, so it cannot be ",
                                                    what, "; submit a new request instead"));
}

}  // namespace events::accessibility
