// The read side of Scheduler: what organisers and the public can see.
#include "absl/strings/str_cat.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "common/util/page_size.h"
#include "common/util/status_macros.h"
#include "services/scheduling/domain/event_messages.h"
#include "services/scheduling/domain/ics.h"
#include "services/scheduling/domain/public_view.h"
#include "services/scheduling/domain/scheduler.h"

namespace events::scheduling {

using events::v1::Event;

namespace {

// True when the viewer sees the organisation's own (full) view of the event.
bool SeesFullView(const Event& event, const std::string& viewer_org) {
  return viewer_org == kAnyOrganisation || (!viewer_org.empty() && event.org_id() == viewer_org);
}

bool VisibleTo(const Event& event, const std::string& viewer_org) {
  return SeesFullView(event, viewer_org) || event.status() != events::v1::EVENT_STATUS_DRAFT;
}

Event ViewFor(Event event, const std::string& viewer_org) {
  if (SeesFullView(event, viewer_org)) return event;
  return PublicEventView(std::move(event));
}

}  // namespace

absl::StatusOr<int> Scheduler::PageSize(const events::v1::PageRequest& page) const {
  return events::PageSize(page.page_size(), {options_.default_page_size, options_.max_page_size});
}

absl::StatusOr<Event> Scheduler::Get(const std::string& viewer_org, const std::string& event_id) {
  EVENTS_RETURN_IF_ERROR(ValidateEventId(event_id));
  absl::StatusOr<Event> event = store_.Get(event_id);
  if (event.ok() && !VisibleTo(*event, viewer_org)) {
    return absl::NotFoundError(absl::StrCat("event ", event_id, " not found"));
  }
  if (!event.ok()) return event.status();
  return ViewFor(*std::move(event), viewer_org);
}

absl::StatusOr<EventPage> Scheduler::ListUpcoming(int64_t from_unix_ms, int64_t to_unix_ms,
                                                  const events::v1::PageRequest& page) {
  EVENTS_ASSIGN_OR_RETURN(int size, PageSize(page));
  if (from_unix_ms < 0) {
    return absl::InvalidArgumentError("from_unix_ms must not be negative (0 means now)");
  }
  if (from_unix_ms == 0) from_unix_ms = clock_.NowUnixMs();
  if (to_unix_ms < 0 || (to_unix_ms != 0 && to_unix_ms <= from_unix_ms)) {
    return absl::InvalidArgumentError("to_unix_ms must be after from_unix_ms (or 0 for no end)");
  }
  EVENTS_ASSIGN_OR_RETURN(EventPage result,
                          store_.ListUpcoming(from_unix_ms, to_unix_ms, page.page_token(), size));
  for (Event& e : result.events) e = PublicEventView(std::move(e));
  return result;
}

absl::StatusOr<EventPage> Scheduler::ListOrganisation(const std::string& org_id,
                                                      events::v1::EventStatus status,
                                                      const events::v1::PageRequest& page) {
  EVENTS_ASSIGN_OR_RETURN(int size, PageSize(page));
  if (!events::v1::EventStatus_IsValid(status)) {
    return absl::InvalidArgumentError(
        absl::StrCat("status ", static_cast<int>(status), " is not an event status"));
  }
  return store_.ListByOrganisation(org_id, status, page.page_token(), size);
}

absl::StatusOr<events::v1::CalendarFile> Scheduler::EventCalendar(const std::string& viewer_org,
                                                                  const std::string& event_id) {
  EVENTS_ASSIGN_OR_RETURN(Event event, Get(viewer_org, event_id));
  // The file is public whoever asks for it: the organiser's copy gets forwarded too.
  Event view = PublicEventView(std::move(event));
  std::string name = view.details().title();
  return MakeCalendarFile(absl::StrCat(event_id, ".ics"), std::move(name), {std::move(view)});
}

absl::StatusOr<events::v1::CalendarFile> Scheduler::SeriesCalendar(const std::string& viewer_org,
                                                                   const std::string& series_id) {
  EVENTS_ASSIGN_OR_RETURN(events::v1::Series series, GetSeries(viewer_org, series_id));
  std::vector<Event> events;
  for (const std::string& id : series.event_ids()) {
    EVENTS_ASSIGN_OR_RETURN(Event event, Get(viewer_org, id));
    events.push_back(PublicEventView(std::move(event)));
  }
  std::string name = PublicSeriesView(std::move(series)).template_().title();
  return MakeCalendarFile(absl::StrCat(series_id, ".ics"), std::move(name), events);
}

events::v1::CalendarFile Scheduler::MakeCalendarFile(std::string filename, std::string name,
                                                     const std::vector<Event>& events) const {
  IcsOptions options;
  options.uid_domain = options_.uid_domain;
  options.now_unix_ms = clock_.NowUnixMs();
  options.calendar_name = std::move(name);
  events::v1::CalendarFile file;
  file.set_filename(std::move(filename));
  file.set_content_type("text/calendar; charset=utf-8");
  file.set_content(RenderCalendar(events, options));
  return file;
}

}  // namespace events::scheduling
