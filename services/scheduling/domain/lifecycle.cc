#include "services/scheduling/domain/lifecycle.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace events::scheduling {

using events::v1::EventStatus;

absl::string_view ActionName(Action action) {
  switch (action) {
    case Action::kUpdate:
      return "update";
    case Action::kSetAgenda:
      return "change the agenda of";
    case Action::kPublish:
      return "publish";
    case Action::kReschedule:
      return "reschedule";
    case Action::kCancel:
      return "cancel";
    case Action::kComplete:
      return "complete";
  }
  return "change";
}

absl::string_view StatusWord(EventStatus status) {
  switch (status) {
    case events::v1::EVENT_STATUS_DRAFT:
      return "draft";
    case events::v1::EVENT_STATUS_PUBLISHED:
      return "published";
    case events::v1::EVENT_STATUS_CANCELLED:
      return "cancelled";
    case events::v1::EVENT_STATUS_COMPLETED:
      return "completed";
    default:
      return "unknown";
  }
}

absl::Status CheckTransition(EventStatus from, Action action, absl::string_view event_id) {
  const bool draft = from == events::v1::EVENT_STATUS_DRAFT;
  const bool published = from == events::v1::EVENT_STATUS_PUBLISHED;
  bool allowed = false;
  std::string hint;
  switch (action) {
    case Action::kUpdate:
    case Action::kSetAgenda:
    case Action::kCancel:
      allowed = draft || published;
      break;
    case Action::kPublish:
      allowed = draft;
      if (published) hint = "; it is already published";
      break;
    case Action::kReschedule:
      allowed = published;
      if (draft) hint = "; change a draft's time with UpdateEvent";
      break;
    case Action::kComplete:
      allowed = published;
      break;
  }
  if (allowed) return absl::OkStatus();
  if (from == events::v1::EVENT_STATUS_CANCELLED || from == events::v1::EVENT_STATUS_COMPLETED) {
    hint = absl::StrCat("; a ", StatusWord(from), " event cannot change any more");
  }
  return absl::FailedPreconditionError(absl::StrCat("cannot ", ActionName(action), " event ",
                                                    event_id, ": it is ", StatusWord(from), hint));
}

EventStatus StatusAfter(EventStatus from, Action action) {
  switch (action) {
    case Action::kPublish:
      return events::v1::EVENT_STATUS_PUBLISHED;
    case Action::kCancel:
      return events::v1::EVENT_STATUS_CANCELLED;
    case Action::kComplete:
      return events::v1::EVENT_STATUS_COMPLETED;
    default:
      return from;
  }
}

}  // namespace events::scheduling
