#include "services/web/console/access_text.h"

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/time/local_time.h"

namespace events::web::console {

using events::v1::RequestStatus;

namespace {

absl::CivilDay DayIn(int64_t unix_ms, const std::string& zone) {
  const events::time::LocalDateTime t = events::time::FromUnixMs(unix_ms, zone);
  return absl::CivilDay(t.year, t.month, t.day);
}

}  // namespace

std::string DeadlineWords(const Catalogue& messages, int64_t deadline_ms, int64_t now_ms,
                          const std::string& zone) {
  if (deadline_ms <= 0) return "";
  const std::string& z = zone.empty() ? std::string("UTC") : zone;
  const int64_t days = DayIn(deadline_ms, z) - DayIn(now_ms, z);
  if (days == 0) {
    return messages.Text(deadline_ms >= now_ms ? "console_access_due_today"
                                               : "console_access_due_today_passed");
  }
  if (days > 0) {
    return messages.Format(days == 1 ? "console_access_due_in_one" : "console_access_due_in",
                           {{"days", absl::StrCat(days)}});
  }
  return messages.Format(days == -1 ? "console_access_late_one" : "console_access_late",
                         {{"days", absl::StrCat(-days)}});
}

std::string ActorWords(const Catalogue& messages, absl::string_view actor,
                       absl::string_view actor_name) {
  if (!actor_name.empty()) return std::string(actor_name);
  if (actor == "attendee") return messages.Text("console_access_actor_attendee");
  if (actor == "system") return messages.Text("console_access_actor_system");
  return messages.Format("console_access_actor_key", {{"id", std::string(actor)}});
}

std::string RequestStatusWords(const Catalogue& messages, RequestStatus status) {
  switch (status) {
    case events::v1::REQUEST_STATUS_SUBMITTED:
      return messages.Text("console_access_status_submitted");
    case events::v1::REQUEST_STATUS_ACKNOWLEDGED:
      return messages.Text("console_access_status_acknowledged");
    case events::v1::REQUEST_STATUS_IN_PROGRESS:
      return messages.Text("console_access_status_in_progress");
    case events::v1::REQUEST_STATUS_FULFILLED:
      return messages.Text("console_access_status_fulfilled");
    case events::v1::REQUEST_STATUS_UNFULFILLABLE:
      return messages.Text("console_access_status_unfulfillable");
    case events::v1::REQUEST_STATUS_WITHDRAWN:
      return messages.Text("console_access_status_withdrawn");
    case events::v1::REQUEST_STATUS_NEEDS_RECONFIRMATION:
      return messages.Text("console_access_status_reconfirm");
    default:
      return "";
  }
}

std::vector<RequestStatus> CoordinatorMoves(RequestStatus from) {
  using events::v1::REQUEST_STATUS_ACKNOWLEDGED;
  using events::v1::REQUEST_STATUS_FULFILLED;
  using events::v1::REQUEST_STATUS_IN_PROGRESS;
  using events::v1::REQUEST_STATUS_UNFULFILLABLE;
  switch (from) {
    case events::v1::REQUEST_STATUS_SUBMITTED:
      return {REQUEST_STATUS_ACKNOWLEDGED, REQUEST_STATUS_IN_PROGRESS, REQUEST_STATUS_FULFILLED,
              REQUEST_STATUS_UNFULFILLABLE};
    case REQUEST_STATUS_ACKNOWLEDGED:
      return {REQUEST_STATUS_IN_PROGRESS, REQUEST_STATUS_FULFILLED, REQUEST_STATUS_UNFULFILLABLE};
    case REQUEST_STATUS_IN_PROGRESS:
      return {REQUEST_STATUS_FULFILLED, REQUEST_STATUS_UNFULFILLABLE};
    case events::v1::REQUEST_STATUS_NEEDS_RECONFIRMATION:
      return {REQUEST_STATUS_IN_PROGRESS, REQUEST_STATUS_FULFILLED, REQUEST_STATUS_UNFULFILLABLE};
    case REQUEST_STATUS_UNFULFILLABLE:
      return {REQUEST_STATUS_IN_PROGRESS};
    default:
      return {};
  }
}

}  // namespace events::web::console
