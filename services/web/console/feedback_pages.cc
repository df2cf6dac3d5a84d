#include "services/web/console/feedback_pages.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/web/console/feedback_common.h"
#include "services/web/pages/format.h"

namespace events::web::console {
namespace {

// The events the feedback list shows (latest first); older ones are in the events list.
constexpr size_t kListedSurveys = 50;

// The survey's page: its state, its window in the event's zone, the answers so far, and
// opening it now where the service allows that.
Response StatusPage(Console& console, const Request& request, const Person& person,
                    const events::v1::Event& event, const events::v1::Survey& survey,
                    const std::string& notice) {
  const Site& site = console.site;
  Data data(Data::type::object);
  data.set("event", FeedbackHeading(site, event));
  data.set("state", SurveyStateWords(site, survey.state()));
  data.set("state_class", SurveyStateClass(survey.state()));
  data.set("opens", EventZoneTime(site, event, survey.opens_unix_ms()));
  data.set("closes", EventZoneTime(site, event, survey.closes_unix_ms()));
  data.set("zone", ZoneText(site.messages(), event.details().time_zone()));
  data.set("answers", absl::StrCat(survey.response_count()));
  data.set("questions", absl::StrCat(survey.definition().questions_size()));
  data.set("anonymous", site.Text(survey.definition().anonymous() ? "yes" : "no"));
  data.set("is_default", survey.is_default());
  const bool scheduled = survey.state() == events::v1::SURVEY_STATE_SCHEDULED;
  data.set("scheduled", scheduled);
  data.set("open", survey.state() == events::v1::SURVEY_STATE_OPEN);
  data.set("closed", survey.state() == events::v1::SURVEY_STATE_CLOSED);
  data.set("can_open", scheduled && person.IsOrganiser());
  data.set("open_href", FeedbackHref(event, "open"));
  if (!notice.empty()) data.set("notice", notice);
  if (request.Query("opened") == "yes") data.set("saved", site.Text("console_fb_opened"));
  return ConsolePage(
      console, request, person, "console_feedback", data,
      {site.messages().Format("console_fb_title", {{"title", event.details().title()}}), false},
      "feedback");
}

Response Status(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  events::v1::Event event;
  events::v1::Survey survey;
  if (auto page = LoadSurvey(console, request, person, &event, &survey)) return *page;
  return StatusPage(console, request, person, event, survey, "");
}

// "Are you sure?": opening fixes the questions (only their wording may change afterwards)
// and invites the attendees.
Response ConfirmOpen(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  events::v1::Event event;
  events::v1::Survey survey;
  if (auto page = LoadSurvey(console, request, person, &event, &survey)) return *page;
  if (survey.state() != events::v1::SURVEY_STATE_SCHEDULED) {
    return Response::Redirect(FeedbackHref(event));
  }
  Data data(Data::type::object);
  data.set("event", FeedbackHeading(console.site, event));
  data.set("action", FeedbackHref(event, "open"));
  data.set("questions", absl::StrCat(survey.definition().questions_size()));
  return ConsolePage(console, request, person, "console_feedback_open", data,
                     {console.site.Text("console_fb_open_title"), false}, "feedback");
}

Response Open(Console& console, const Request& request) {
  Form form;
  Person person;
  if (auto page = ReadPostedAsPerson(console, request, &form, &person)) return *page;
  events::v1::Event event;
  events::v1::Survey survey;
  if (auto page = LoadSurvey(console, request, person, &event, &survey)) return *page;
  events::v1::OpenSurveyNowRequest req;
  req.set_event_id(event.id());
  events::v1::Survey opened;
  auto context = AsPerson(console, request, person);
  const grpc::Status status =
      console.site.backends.feedback().OpenSurveyNow(context.get(), req, &opened);
  // An organiser refused here is refused by the service's setting (opening early is for
  // development and demonstrations), not for who they are: the page says so.
  if (status.error_code() == grpc::StatusCode::PERMISSION_DENIED && person.IsOrganiser()) {
    return StatusPage(console, request, person, event, survey,
                      console.site.Text("console_fb_open_not_allowed"));
  }
  if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    return StatusPage(console, request, person, event, survey,
                      console.site.Text("console_fb_open_refused"));
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "OpenSurveyNow");
  return Response::Redirect(absl::StrCat(FeedbackHref(event), "?opened=yes"));
}

// The responses as CSV, read from the service's stream into one download.
Response Export(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  events::v1::Event event;
  events::v1::Survey survey;
  if (auto page = LoadSurvey(console, request, person, &event, &survey)) return *page;
  events::v1::ExportFeedbackRequest req;
  req.set_event_id(event.id());
  req.set_format(events::v1::EXPORT_FORMAT_RESPONSES_CSV);
  auto context = AsPerson(console, request, person);
  auto reader = console.site.backends.feedback().ExportFeedback(context.get(), req);
  events::v1::FeedbackExport part;
  std::string filename;
  std::string content_type;
  std::string body;
  while (reader->Read(&part)) {
    if (!part.filename().empty()) filename = part.filename();
    if (!part.content_type().empty()) content_type = part.content_type();
    body += part.content();
  }
  const grpc::Status status = reader->Finish();
  if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    // Too few answers to export without anyone being recognised: said on the survey's page.
    return StatusPage(console, request, person, event, survey,
                      console.site.Text("console_fb_export_too_few"));
  }
  if (!status.ok()) return ConsoleRpcError(console, request, status, "ExportFeedback");
  Response r;
  r.content_type = content_type.empty() ? "text/csv; charset=utf-8" : content_type;
  r.body = std::move(body);
  r.caching = Caching::kNone;
  // The service names the file; only plain characters reach the header.
  filename.erase(std::remove_if(filename.begin(), filename.end(),
                                [](char c) {
                                  return !absl::ascii_isalnum(static_cast<unsigned char>(c)) &&
                                         c != '-' && c != '_' && c != '.';
                                }),
                 filename.end());
  if (filename.empty() || filename.front() == '.') filename = "feedback.csv";
  r.headers.emplace_back("Content-Disposition",
                         absl::StrCat("attachment; filename=\"", filename, "\""));
  return r;
}

// A trend point's row: the counts, and the mean rating and NPS only when not withheld.
Data TrendRow(const Site& site, const events::v1::TrendPoint& p, const std::string& label,
              int min_group) {
  Data row(Data::type::object);
  row.set("label", label);
  row.set("responses", absl::StrCat(p.responses()));
  const std::string withheld =
      site.messages().Format("console_fb_trend_withheld", {{"min", absl::StrCat(min_group)}});
  // Below the minimum the service gives no mean or NPS (and a count of 0 may be answers
  // not released to the trends yet), so both say "not shown" rather than "none".
  if (p.suppressed() || p.rating_count() == 0) {
    row.set("rating", withheld);
  } else {
    row.set("rating", absl::StrCat(OneDecimal(p.mean_rating()), " (", p.rating_count(), ")"));
  }
  if (p.suppressed() || p.recommend_count() == 0) {
    row.set("nps", withheld);
  } else {
    const long score = std::lround(p.nps());
    row.set("nps", absl::StrCat(score > 0 ? "+" : "", score, " (", p.recommend_count(), ")"));
  }
  return row;
}

Response Trends(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  const Site& site = console.site;
  events::v1::GetTrendsRequest req;
  events::v1::FeedbackTrends trends;
  auto context = AsPerson(console, request, person);
  const grpc::Status status = site.backends.feedback().GetTrends(context.get(), req, &trends);
  if (!status.ok()) return ConsoleRpcError(console, request, status, "GetTrends");
  const int min_group = trends.min_group() > 0 ? trends.min_group() : 5;
  Data months(Data::type::list);
  int64_t total = 0;
  const events::v1::TrendPoint* busiest = nullptr;
  for (const auto& p : trends.months()) {
    months.push_back(TrendRow(site, p, MonthText(site, p.key()), min_group));
    total += p.responses();
    if (busiest == nullptr || p.responses() > busiest->responses()) busiest = &p;
  }
  Data series(Data::type::list);
  for (const auto& p : trends.series()) series.push_back(TrendRow(site, p, p.key(), min_group));
  Data data(Data::type::object);
  data.set("months", months);
  data.set("has_months", trends.months_size() > 0);
  data.set("series", series);
  data.set("has_series", trends.series_size() > 0);
  data.set("none_text",
           site.messages().Format("console_fb_trends_none", {{"min", absl::StrCat(min_group)}}));
  data.set("how_text",
           site.messages().Format("console_fb_trends_how", {{"min", absl::StrCat(min_group)}}));
  if (busiest != nullptr) {
    data.set("summary",
             site.messages().Format("console_fb_trends_summary",
                                    {{"total", absl::StrCat(total)},
                                     {"months", absl::StrCat(trends.months_size())},
                                     {"busiest", MonthText(site, busiest->key())},
                                     {"busiest_count", absl::StrCat(busiest->responses())}}));
  }
  return ConsolePage(console, request, person, "console_feedback_trends", data,
                     {site.Text("console_fb_trends_title"), false}, "feedback");
}

// The nav's "Feedback": the organisation's events with their surveys, latest first.
Response List(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  const Site& site = console.site;
  std::vector<EventSurvey> surveys;
  const grpc::Status status =
      ListEventSurveys(console, request, person, 0, false, kListedSurveys, &surveys);
  if (!status.ok()) return ConsoleRpcError(console, request, status, "GetSurvey");
  Data rows(Data::type::list);
  for (const EventSurvey& s : surveys) {
    Data row(Data::type::object);
    row.set("title", s.event.details().title());
    row.set("href", FeedbackHref(s.event));
    row.set("when", WhenText(site.messages(), s.event.start_rfc3339(), s.event.end_rfc3339()));
    row.set("zone", ZoneText(site.messages(), s.event.details().time_zone()));
    row.set("state", SurveyStateWords(site, s.survey.state()));
    row.set("state_class", SurveyStateClass(s.survey.state()));
    row.set("answers", absl::StrCat(s.survey.response_count()));
    rows.push_back(row);
  }
  Data data(Data::type::object);
  data.set("events", rows);
  data.set("no_events", surveys.empty());
  data.set("limit", absl::StrCat(kListedSurveys));
  data.set("at_limit", surveys.size() >= kListedSurveys);
  return ConsolePage(console, request, person, "console_feedback_list", data,
                     {site.Text("console_fb_list_title"), false}, "feedback");
}

}  // namespace

void AddFeedbackPages(WebServer& server, Console& console) {
  const std::string base = "/manage/events/{id}/feedback";
  server.Route("GET", base, [&console](const Request& r) { return Status(console, r); });
  server.Route("GET", base + "/open",
               [&console](const Request& r) { return ConfirmOpen(console, r); });
  server.Route("POST", base + "/open", [&console](const Request& r) { return Open(console, r); });
  server.Route("GET", base + "/export",
               [&console](const Request& r) { return Export(console, r); });
  server.Route("GET", "/manage/feedback",
               [&console](const Request& r) { return List(console, r); });
  server.Route("GET", "/manage/feedback/trends",
               [&console](const Request& r) { return Trends(console, r); });
  AddSurveyBuilderPages(server, console);
  AddFeedbackReportPages(server, console);
}

}  // namespace events::web::console
