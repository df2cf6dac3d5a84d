#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/web/console/feedback_charts.h"
#include "services/web/console/feedback_common.h"
#include "services/web/console/feedback_pages.h"
#include "services/web/console/svg/bar_chart.h"
#include "services/web/console/svg/chart_table.h"

// The report (GetReport): per question its chart, the summary sentence and the data table,
// all three on the page; the free-text answers, page by page (ListFeedbackTexts).
namespace events::web::console {
namespace {

// The texts shown under a question on the report; the rest are on the texts pages.
constexpr int kReportTexts = 10;

// The chart, its sentence and its table rows for the template; nothing when the drawing
// refuses the input (it never should: the input is built from the report's own limits).
Data ChartData(const BarChartInput& input) {
  Data chart(Data::type::object);
  absl::StatusOr<BarChart> drawn = RenderBarChart(input);
  if (!drawn.ok()) return chart;
  chart.set("svg", drawn->svg);
  chart.set("summary", drawn->summary);
  chart.set("caption", input.title);
  Data rows(Data::type::list);
  for (const BarTableRow& row : drawn->rows) {
    Data r(Data::type::object);
    r.set("label", row.label);
    r.set("count", row.count_text);
    r.set("percent", row.percent_text);
    if (row.withheld) r.set("withheld", true);
    rows.push_back(r);
  }
  chart.set("rows", rows);
  chart.set("drawn", true);
  return chart;
}

// Whether the report's notes say that the question's written answers are withheld (its
// figures shown, its texts not: fewer people wrote than the minimum group).
bool TextsWithheld(const events::v1::FeedbackReport& report, const std::string& question_id) {
  const std::string prefix = absl::StrCat("question ", question_id, ": fewer than ");
  for (const std::string& note : report.notes()) {
    if (absl::StartsWith(note, prefix) && absl::StrContains(note, "written answers")) return true;
  }
  return false;
}

Data QuestionData(const Site& site, const events::v1::Event& event,
                  const events::v1::FeedbackReport& report, const events::v1::QuestionReport& q,
                  int index) {
  const int min_group = report.min_group() > 0 ? report.min_group() : 5;
  const std::string withheld = WithheldText(min_group, /*capitalised=*/true);
  Data d(Data::type::object);
  d.set("heading_id", absl::StrCat("question-", index));
  d.set("text", q.text());
  d.set("type", SurveyTypeWords(site, q.type()));
  if (q.suppressed()) {
    d.set("withheld", withheld);
  } else {
    d.set("answered", site.messages().Format("console_fb_answered_by",
                                             {{"count", absl::StrCat(q.answered())}}));
  }
  const bool numeric = q.type() == events::v1::SURVEY_QUESTION_TYPE_RATING ||
                       q.type() == events::v1::SURVEY_QUESTION_TYPE_SCALE_0_10;
  if (numeric && !q.suppressed() && q.answered() > 0) {
    d.set("average",
          site.messages().Format("console_fb_average", {{"mean", OneDecimal(q.mean())},
                                                        {"median", OneDecimal(q.median())}}));
  }
  if (q.type() == events::v1::SURVEY_QUESTION_TYPE_SCALE_0_10 && !q.suppressed() &&
      q.answered() > 0) {
    const long score = std::lround(q.nps().score());
    d.set("nps", site.messages().Format("console_fb_nps",
                                        {{"score", absl::StrCat(score > 0 ? "+" : "", score)},
                                         {"promoters", absl::StrCat(q.nps().promoters())},
                                         {"passives", absl::StrCat(q.nps().passives())},
                                         {"detractors", absl::StrCat(q.nps().detractors())}}));
  }
  if (q.type() == events::v1::SURVEY_QUESTION_TYPE_MULTIPLE_CHOICE && !q.suppressed()) {
    d.set("ticks_note", site.Text("console_fb_ticks_note"));
  }
  if (auto input = QuestionChart(site.messages(), q, min_group, index)) {
    d.set("chart", ChartData(*input));
  }
  // Free text, and the comments of choice questions.
  Data texts(Data::type::list);
  for (const std::string& t : q.texts()) texts.push_back(Data(t));
  if (!q.texts().empty()) {
    d.set("texts", texts);
    d.set("texts_count", site.messages().Format("console_fb_texts_count",
                                                {{"shown", absl::StrCat(q.texts_size())},
                                                 {"total", absl::StrCat(q.texts_total())}}));
    d.set("texts_href", absl::StrCat(FeedbackHref(event, "report/texts/"), q.question_id()));
  } else if (!q.suppressed() && TextsWithheld(report, q.question_id())) {
    d.set("texts_withheld",
          site.messages().Format("console_fb_texts_withheld", {{"min", absl::StrCat(min_group)}}));
  } else if (!q.suppressed() && q.type() == events::v1::SURVEY_QUESTION_TYPE_FREE_TEXT) {
    d.set("texts_none", true);
  }
  return d;
}

Data AccessData(const Site& site, const events::v1::FeedbackReport& report) {
  Data d(Data::type::object);
  auto input = AccessChart(site.messages(), report);
  if (!input) return d;
  d.set("show", true);
  d.set("chart", ChartData(*input));
  bool withheld = false;
  for (const auto& row : report.access_breakdown()) withheld = withheld || row.suppressed();
  if (withheld) {
    d.set("note", site.messages().Format("console_fb_access_withheld",
                                         {{"min", absl::StrCat(report.min_group())}}));
  } else {
    // Who answered what, by outcome: counts only.
    Data rows(Data::type::list);
    for (const auto& row : report.access_breakdown()) {
      for (const auto& answer : row.answers()) {
        Data r(Data::type::object);
        r.set("outcome", OutcomeWords(site.messages(), row.outcome()));
        r.set("answer", answer.text().empty() ? answer.choice_id() : answer.text());
        r.set("count", absl::StrCat(answer.count()));
        rows.push_back(r);
      }
    }
    d.set("answers", rows);
    d.set("has_answers", !rows.is_empty_list());
  }
  d.set("requests",
        site.messages().Format("console_fb_access_requests",
                               {{"fulfilled", absl::StrCat(report.requests_fulfilled())},
                                {"unfulfilled", absl::StrCat(report.requests_unfulfilled())},
                                {"pending", absl::StrCat(report.requests_pending())}}));
  return d;
}

Response Report(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  const Site& site = console.site;
  events::v1::Event event;
  events::v1::Survey survey;
  if (auto page = LoadSurvey(console, request, person, &event, &survey)) return *page;
  events::v1::GetReportRequest req;
  req.set_event_id(event.id());
  req.set_texts_per_question(kReportTexts);
  events::v1::FeedbackReport report;
  auto context = AsPerson(console, request, person);
  const grpc::Status status = site.backends.feedback().GetReport(context.get(), req, &report);
  if (!status.ok()) return ConsoleRpcError(console, request, status, "GetReport");
  Data data(Data::type::object);
  data.set("event", FeedbackHeading(site, event));
  data.set("state", SurveyStateWords(site, report.state()));
  data.set("state_class", SurveyStateClass(report.state()));
  data.set("responses", absl::StrCat(report.response_count()));
  data.set("eligible", absl::StrCat(report.eligible_count()));
  data.set("rate", absl::StrCat(std::lround(report.response_rate() * 100), "%"));
  data.set("anonymous", report.anonymous());
  if (report.answers_held() > 0) {
    data.set("held", site.messages().Format("console_fb_held",
                                            {{"count", absl::StrCat(report.answers_held())},
                                             {"min", absl::StrCat(report.min_group())}}));
  }
  data.set("privacy", site.messages().Format("console_fb_report_privacy",
                                             {{"min", absl::StrCat(report.min_group())}}));
  Data questions(Data::type::list);
  int index = 0;
  for (const auto& q : report.questions()) {
    questions.push_back(QuestionData(site, event, report, q, ++index));
  }
  data.set("questions", questions);
  data.set("no_answers", report.response_count() == 0);
  data.set("access", AccessData(site, report));
  return ConsolePage(
      console, request, person, "console_feedback_report", data,
      {site.messages().Format("console_fb_report_title", {{"title", event.details().title()}}),
       false},
      "feedback");
}

// A page token as the service makes them (base64url); anything else is not sent on.
bool LooksLikePageToken(absl::string_view token) {
  if (token.size() > 2000) return false;
  for (char c : token) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '=') {
      return false;
    }
  }
  return true;
}

Response Texts(Console& console, const Request& request) {
  Person person;
  if (auto page = SignedInAs(console, request, &person)) return *page;
  const Site& site = console.site;
  events::v1::Event event;
  events::v1::Survey survey;
  if (auto page = LoadSurvey(console, request, person, &event, &survey)) return *page;
  const std::string& question_id = request.params.at(1);
  const events::v1::SurveyQuestion* question = nullptr;
  for (const auto& q : survey.definition().questions()) {
    if (q.id() == question_id) question = &q;
  }
  if (question == nullptr) return ErrorPage(site, 404, request);
  const std::string token = request.Query("page");
  if (!LooksLikePageToken(token)) return ErrorPage(site, 400, request);
  events::v1::ListFeedbackTextsRequest req;
  req.set_event_id(event.id());
  req.set_question_id(question_id);
  req.mutable_page()->set_page_token(token);
  events::v1::ListFeedbackTextsResponse resp;
  auto context = AsPerson(console, request, person);
  const grpc::Status status = site.backends.feedback().ListFeedbackTexts(context.get(), req, &resp);
  Data data(Data::type::object);
  data.set("event", FeedbackHeading(site, event));
  data.set("question", question->text());
  data.set("report_href", FeedbackHref(event, "report"));
  if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
    data.set("withheld", site.Text("console_fb_texts_page_withheld"));
  } else if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
             status.error_code() == grpc::StatusCode::NOT_FOUND) {
    return ErrorPage(site, 404, request);
  } else if (!status.ok()) {
    return ConsoleRpcError(console, request, status, "ListFeedbackTexts");
  } else {
    Data texts(Data::type::list);
    for (const std::string& t : resp.texts()) texts.push_back(Data(t));
    data.set("texts", texts);
    data.set("none", resp.texts().empty());
    data.set("total", site.messages().Format("console_fb_texts_total",
                                             {{"total", absl::StrCat(resp.total())}}));
    const std::string self = absl::StrCat(FeedbackHref(event, "report/texts/"), question_id);
    if (!resp.next_page_token().empty()) {
      data.set("next_href", absl::StrCat(self, "?page=", resp.next_page_token()));
    }
    if (!token.empty()) data.set("first_href", self);
    data.set("has_pages", !token.empty() || !resp.next_page_token().empty());
  }
  return ConsolePage(
      console, request, person, "console_feedback_texts", data,
      {site.messages().Format("console_fb_texts_title", {{"question", question->text()}}), false},
      "feedback");
}

}  // namespace

void AddFeedbackReportPages(WebServer& server, Console& console) {
  server.Route("GET", "/manage/events/{id}/feedback/report",
               [&console](const Request& r) { return Report(console, r); });
  server.Route("GET", "/manage/events/{id}/feedback/report/texts/{question}",
               [&console](const Request& r) { return Texts(console, r); });
}

}  // namespace events::web::console
