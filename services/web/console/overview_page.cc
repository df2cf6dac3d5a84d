#include "services/web/console/overview_page.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "services/web/console/feedback_common.h"
#include "services/web/console/time_text.h"
#include "services/web/pages/format.h"

namespace events::web::console {
namespace {

// The next events the overview shows; the events page lists them all.
constexpr int kUpcoming = 10;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string EventStatusText(const Site& site, events::v1::EventStatus status) {
  switch (status) {
    case events::v1::EVENT_STATUS_DRAFT:
      return site.Text("event_status_draft");
    case events::v1::EVENT_STATUS_PUBLISHED:
      return site.Text("event_status_published");
    case events::v1::EVENT_STATUS_CANCELLED:
      return site.Text("event_status_cancelled");
    case events::v1::EVENT_STATUS_COMPLETED:
      return site.Text("event_status_completed");
    default:
      return "";
  }
}

// The upcoming events and their places, or nothing (with a reason shown) when the person
// may not list events (an access coordinator who is not an organiser).
grpc::Status UpcomingEvents(Console& console, const Request& request, const Person& person,
                            Data* rows) {
  const Site& site = console.site;
  std::vector<events::v1::Event> upcoming;
  events::v1::ListOrganisationEventsRequest req;
  req.mutable_page()->set_page_size(100);
  const int64_t now = NowMs();
  // Pages through every event: an organisation has tens or hundreds, not millions.
  for (int page = 0; page < 50; ++page) {
    events::v1::ListEventsResponse resp;
    auto context = AsPerson(console, request, person);
    grpc::Status status =
        site.backends.scheduling().ListOrganisationEvents(context.get(), req, &resp);
    if (!status.ok()) return status;
    for (const auto& e : resp.events()) {
      if (e.end_unix_ms() >= now && (e.status() == events::v1::EVENT_STATUS_PUBLISHED ||
                                     e.status() == events::v1::EVENT_STATUS_DRAFT)) {
        upcoming.push_back(e);
      }
    }
    if (resp.next_page_token().empty()) break;
    req.mutable_page()->set_page_token(resp.next_page_token());
  }
  std::sort(upcoming.begin(), upcoming.end(),
            [](const auto& a, const auto& b) { return a.start_unix_ms() < b.start_unix_ms(); });
  if (upcoming.size() > kUpcoming) upcoming.resize(kUpcoming);
  for (const auto& e : upcoming) {
    Data row(Data::type::object);
    row.set("title", e.details().title());
    row.set("href", absl::StrCat("/manage/events/", e.id()));
    row.set("when", WhenText(site.messages(), e.start_rfc3339(), e.end_rfc3339()));
    row.set("zone", ZoneText(site.messages(), e.details().time_zone()));
    row.set("status", EventStatusText(site, e.status()));
    row.set("draft", e.status() == events::v1::EVENT_STATUS_DRAFT);
    events::v1::GetCapacityRequest creq;
    creq.set_event_id(e.id());
    events::v1::CapacitySummary capacity;
    auto context = AsPerson(console, request, person);
    grpc::Status status = site.backends.registration().GetCapacity(context.get(), creq, &capacity);
    if (status.ok()) {
      row.set("taken", absl::StrCat(capacity.confirmed_places()));
      row.set("capacity", absl::StrCat(capacity.capacity()));
      row.set("waiting", absl::StrCat(capacity.waitlisted()));
      row.set("pending", absl::StrCat(capacity.pending_approval()));
    } else if (status.error_code() != grpc::StatusCode::NOT_FOUND &&
               status.error_code() != grpc::StatusCode::FAILED_PRECONDITION) {
      return status;
    }
    rows->push_back(row);
  }
  return grpc::Status::OK;
}

Response Overview(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  const Site& site = console.site;
  Data data(Data::type::object);
  data.set("name", person.me.member().name());
  data.set("org_name", person.me.org_name());

  Data events(Data::type::list);
  grpc::Status status = UpcomingEvents(console, request, person, &events);
  if (status.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
    data.set("events_hidden", true);
  } else if (!status.ok()) {
    return ConsoleRpcError(console, request, status, "ListOrganisationEvents");
  } else {
    data.set("show_events", true);
    data.set("events", events);
    data.set("no_events", events.is_empty_list());
  }

  if (person.IsOrganiser()) {
    // Surveys open: a survey stays open at most 90 days after its event ends.
    constexpr int64_t kWindowMs = int64_t{91} * 24 * 60 * 60 * 1000;
    std::vector<EventSurvey> open;
    status =
        ListEventSurveys(console, request, person, NowMs() - kWindowMs, true, kUpcoming, &open);
    if (!status.ok()) return ConsoleRpcError(console, request, status, "GetSurvey");
    Data surveys(Data::type::list);
    for (const EventSurvey& s : open) {
      Data row(Data::type::object);
      row.set("title", s.event.details().title());
      row.set("href", FeedbackHref(s.event, "report"));
      row.set("answers", absl::StrCat(s.survey.response_count()));
      row.set("closes", EventZoneTime(site, s.event, s.survey.closes_unix_ms()));
      surveys.push_back(row);
    }
    data.set("show_surveys", true);
    data.set("surveys", surveys);
    data.set("no_surveys", open.empty());
  }

  if (person.IsCoordinator()) {
    events::v1::ListAtRiskRequest req;
    req.mutable_page()->set_page_size(20);
    events::v1::ListRequestsResponse resp;
    auto context = AsPerson(console, request, person);
    status = site.backends.accessibility().ListAtRisk(context.get(), req, &resp);
    if (!status.ok()) return ConsoleRpcError(console, request, status, "ListAtRisk");
    data.set("show_access", true);
    data.set("at_risk",
             absl::StrCat(resp.requests_size(), resp.next_page_token().empty() ? "" : "+"));
    data.set("none_at_risk", resp.requests_size() == 0);
  } else if (person.HasCoordinatorRole()) {
    data.set("needs_second_factor", true);
  }
  return ConsolePage(console, request, person, "console_overview", data,
                     {site.Text("console_overview_title"), false}, "overview");
}

}  // namespace

void AddOverviewPage(WebServer& server, Console& console) {
  server.Route("GET", "/manage", [&console](const Request& r) { return Overview(console, r); });
}

}  // namespace events::web::console
