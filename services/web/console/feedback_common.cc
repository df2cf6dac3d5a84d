#include "services/web/console/feedback_common.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/web/console/event_common.h"
#include "services/web/console/time_text.h"
#include "services/web/pages/format.h"

namespace events::web::console {

std::optional<Response> LoadSurvey(Console& console, const Request& request, const Person& person,
                                   events::v1::Event* event, events::v1::Survey* survey) {
  if (auto page = LoadEvent(console, request, person, event)) return page;
  events::v1::GetSurveyRequest req;
  req.set_event_id(event->id());
  auto context = AsPerson(console, request, person);
  const grpc::Status status =
      console.site.backends.feedback().GetSurvey(context.get(), req, survey);
  // Feedback learns of an event from scheduling's domain events; one it has not heard of
  // yet (made a moment ago) is not found there, and a page of it would be a 404 too.
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    return ErrorPage(console.site, 404, request);
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "GetSurvey");
  return std::nullopt;
}

std::string FeedbackHref(const events::v1::Event& event, absl::string_view page) {
  return page.empty() ? absl::StrCat("/manage/events/", event.id(), "/feedback")
                      : absl::StrCat("/manage/events/", event.id(), "/feedback/", page);
}

Data FeedbackHeading(const Site& site, const events::v1::Event& event) {
  Data heading(Data::type::object);
  heading.set("title", event.details().title());
  heading.set("when", WhenText(site.messages(), event.start_rfc3339(), event.end_rfc3339()));
  heading.set("zone", ZoneText(site.messages(), event.details().time_zone()));
  heading.set("event_href", EventPath(event));
  heading.set("status_href", FeedbackHref(event));
  heading.set("survey_href", FeedbackHref(event, "survey"));
  heading.set("report_href", FeedbackHref(event, "report"));
  heading.set("export_href", FeedbackHref(event, "export"));
  return heading;
}

std::string SurveyStateWords(const Site& site, events::v1::SurveyState state) {
  switch (state) {
    case events::v1::SURVEY_STATE_SCHEDULED:
      return site.Text("console_fb_state_scheduled");
    case events::v1::SURVEY_STATE_OPEN:
      return site.Text("console_fb_state_open");
    case events::v1::SURVEY_STATE_CLOSED:
      return site.Text("console_fb_state_closed");
    case events::v1::SURVEY_STATE_CANCELLED:
      return site.Text("console_fb_state_cancelled");
    default:
      return "";
  }
}

std::string SurveyStateClass(events::v1::SurveyState state) {
  switch (state) {
    case events::v1::SURVEY_STATE_SCHEDULED:
      return " tag--grey";
    case events::v1::SURVEY_STATE_OPEN:
      return " tag--green";
    case events::v1::SURVEY_STATE_CANCELLED:
      return " tag--red";
    default:
      return "";
  }
}

std::string EventZoneTime(const Site& site, const events::v1::Event& event, int64_t unix_ms) {
  if (unix_ms <= 0) return "";
  const std::string& zone = event.details().time_zone();
  return ConsoleTimeText(site, unix_ms, zone.empty() ? "Europe/London" : zone);
}

std::string SurveyTypeWords(const Site& site, events::v1::SurveyQuestionType type) {
  switch (type) {
    case events::v1::SURVEY_QUESTION_TYPE_RATING:
      return site.Text("console_fb_type_rating");
    case events::v1::SURVEY_QUESTION_TYPE_SCALE_0_10:
      return site.Text("console_fb_type_scale");
    case events::v1::SURVEY_QUESTION_TYPE_SINGLE_CHOICE:
      return site.Text("console_fb_type_single");
    case events::v1::SURVEY_QUESTION_TYPE_MULTIPLE_CHOICE:
      return site.Text("console_fb_type_multiple");
    case events::v1::SURVEY_QUESTION_TYPE_FREE_TEXT:
      return site.Text("console_fb_type_text");
    default:
      return "";
  }
}

std::string MonthText(const Site& site, absl::string_view key) {
  int year = 0;
  int month = 0;
  if (key.size() != 7 || key[4] != '-' || !absl::SimpleAtoi(key.substr(0, 4), &year) ||
      !absl::SimpleAtoi(key.substr(5), &month) || month < 1 || month > 12) {
    return std::string(key);
  }
  return absl::StrCat(site.Text(absl::StrCat("month_", month)), " ", year);
}

std::string OneDecimal(double value) { return absl::StrFormat("%.1f", value); }

grpc::Status ListEventSurveys(Console& console, const Request& request, const Person& person,
                              int64_t ended_after_ms, bool open_only, size_t limit,
                              std::vector<EventSurvey>* out) {
  const Site& site = console.site;
  std::vector<events::v1::Event> ended;
  events::v1::ListOrganisationEventsRequest req;
  req.mutable_page()->set_page_size(100);
  // Pages through every event: an organisation has tens or hundreds, not millions.
  for (int page = 0; page < 50; ++page) {
    events::v1::ListEventsResponse resp;
    auto context = AsPerson(console, request, person);
    grpc::Status status =
        site.backends.scheduling().ListOrganisationEvents(context.get(), req, &resp);
    if (!status.ok()) return status;
    for (const auto& e : resp.events()) {
      if ((e.status() == events::v1::EVENT_STATUS_PUBLISHED ||
           e.status() == events::v1::EVENT_STATUS_COMPLETED) &&
          e.end_unix_ms() >= ended_after_ms) {
        ended.push_back(e);
      }
    }
    if (resp.next_page_token().empty()) break;
    req.mutable_page()->set_page_token(resp.next_page_token());
  }
  std::sort(ended.begin(), ended.end(),
            [](const auto& a, const auto& b) { return a.end_unix_ms() > b.end_unix_ms(); });
  for (const auto& e : ended) {
    if (out->size() >= limit) break;
    events::v1::GetSurveyRequest sreq;
    sreq.set_event_id(e.id());
    EventSurvey item;
    auto context = AsPerson(console, request, person);
    grpc::Status status = site.backends.feedback().GetSurvey(context.get(), sreq, &item.survey);
    if (status.error_code() == grpc::StatusCode::NOT_FOUND) continue;
    if (!status.ok()) return status;
    if (open_only && item.survey.state() != events::v1::SURVEY_STATE_OPEN) continue;
    item.event = e;
    out->push_back(std::move(item));
  }
  return grpc::Status::OK;
}

}  // namespace events::web::console
