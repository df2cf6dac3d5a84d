// Feedback's reading side: reports, their texts page by page, exports and trends, all from
// aggregates.
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/util/clock.h"
#include "common/util/page_size.h"
#include "common/util/status_macros.h"
#include "services/feedback/domain/feedback.h"
#include "services/feedback/rules/aggregates.h"
#include "services/feedback/rules/export_csv.h"
#include "services/feedback/rules/text_pages.h"

namespace events::feedback {
namespace {

// ListFeedbackTexts: 100 texts of at most 8,000 bytes make 800 KB, within one message.
constexpr events::PageLimits kTextPageLimits = {25, 100};

absl::Status CheckMonth(const std::string& month, const char* field) {
  if (month.empty()) return absl::OkStatus();
  const bool shape = month.size() == 7 && month[4] == '-';
  bool digits = shape;
  for (size_t i = 0; shape && i < month.size(); ++i) {
    if (i != 4 && (month[i] < '0' || month[i] > '9')) digits = false;
  }
  if (!digits || month.substr(5) < "01" || month.substr(5) > "12") {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": must be YYYY-MM (got \"", month, "\")"));
  }
  return absl::OkStatus();
}

}  // namespace

void Feedback::AddHeldNote(const SurveyRecord& record, events::v1::FeedbackReport& report) const {
  report.set_answers_held(record.held);
  // Who has taken part is no secret: the rate counts every answer, held or not.
  if (report.eligible_count() > 0) {
    report.set_response_rate(
        std::min(1.0, static_cast<double>(report.response_count() + record.held) /
                          static_cast<double>(report.eligible_count())));
  }
  const bool open = View(report.event_id(), record).state() == events::v1::SURVEY_STATE_OPEN;
  const int64_t wanted = 2 * static_cast<int64_t>(options_.min_group) - record.held;
  report.add_notes(absl::StrCat(
      record.held, " anonymous ", record.held == 1 ? "answer is" : "answers are",
      " not in these figures yet. Answers are added in groups of at least ", options_.min_group,
      ", so that nobody's can be picked out by comparing reports. ",
      open ? (wanted > 0 ? absl::StrCat("They will be added when ", wanted, " more ",
                                        wanted == 1 ? "person answers" : "people answer",
                                        " or when the survey closes.")
                         : std::string("They are being added now."))
           : std::string("They will be added within a minute of the survey closing.")));
}

absl::StatusOr<events::v1::FeedbackReport> Feedback::BuildReportFor(
    const std::string& event_id, const SurveyRecord& record,
    std::optional<TextLimits> text_limits) {
  ReportInputs in;
  in.definition = DefinitionOf(record);
  in.min_group = options_.min_group;
  in.text_limits = text_limits;
  EVENTS_ASSIGN_OR_RETURN(ReportData data, store_.ReadReport(event_id, in.definition));
  in.aggregates = std::move(data.aggregates);
  in.texts = std::move(data.texts);
  in.eligible = data.eligible;
  for (const auto& [status, count] : data.requests_by_status) {
    if (status == kRequestFulfilled) {
      in.requests_fulfilled += count;
    } else if (status == kRequestUnfulfillable) {
      in.requests_unfulfilled += count;
    } else if (status != kRequestWithdrawn) {
      in.requests_pending += count;
    }
  }
  events::v1::FeedbackReport report = BuildReport(in);
  report.set_event_id(event_id);
  report.set_org_id(record.facts.org_id);
  report.set_state(View(event_id, record).state());
  report.set_generated_unix_ms(clock_.NowUnixMs());
  if (record.held > 0) AddHeldNote(record, report);
  return report;
}

absl::StatusOr<events::v1::FeedbackReport> Feedback::Report(const std::string& org_id,
                                                            const std::string& event_id,
                                                            int64_t texts_per_question) {
  TextLimits limits;
  EVENTS_ASSIGN_OR_RETURN(
      limits.per_question,
      events::PageSize(texts_per_question, {kDefaultTextsPerQuestion, kMaxTextsPerQuestion},
                       "texts_per_question"));
  EVENTS_ASSIGN_OR_RETURN(SurveyRecord record, Load(org_id, event_id));
  return BuildReportFor(event_id, record, limits);
}

absl::StatusOr<events::v1::ListFeedbackTextsResponse> Feedback::Texts(
    const std::string& org_id, const events::v1::ListFeedbackTextsRequest& request) {
  if (request.question_id().empty()) {
    return absl::InvalidArgumentError("question_id: required (a question id of the survey)");
  }
  EVENTS_ASSIGN_OR_RETURN(const int size,
                          events::PageSize(request.page().page_size(), kTextPageLimits));
  EVENTS_ASSIGN_OR_RETURN(std::optional<TextCursor> cursor,
                          DecodeTextPageToken(request.page().page_token()));
  EVENTS_ASSIGN_OR_RETURN(SurveyRecord record, Load(org_id, request.event_id()));
  const events::v1::SurveyDefinition definition = DefinitionOf(record);
  bool known = false;
  for (const events::v1::SurveyQuestion& q : definition.questions()) {
    known = known || q.id() == request.question_id();
  }
  if (!known) {
    return absl::NotFoundError(absl::StrCat("question_id: the survey of event ", request.event_id(),
                                            " has no question \"", request.question_id(), "\""));
  }
  EVENTS_ASSIGN_OR_RETURN(QuestionTexts data,
                          store_.ReadTexts(request.event_id(), request.question_id()));
  events::v1::ListFeedbackTextsResponse out;
  const int64_t count = static_cast<int64_t>(data.texts.size());
  switch (TextVisibilityOf(data.answered, count, options_.min_group)) {
    case TextVisibility::kNone:
      return out;
    case TextVisibility::kWithheld:
      // As the report: a refusal rather than an empty page, so that "withheld" is never
      // mistaken for "nobody wrote anything".
      return absl::FailedPreconditionError(absl::StrCat(
          "question ", request.question_id(), ": fewer than ", options_.min_group,
          data.answered < options_.min_group ? " people answered it" : " people wrote text",
          ", so its texts are not shown (as in the report), so that nobody can be recognised"));
    case TextVisibility::kShown:
      break;
  }
  // The report's order (BuildReport).
  std::sort(data.texts.begin(), data.texts.end());
  TextPage page = PageOfTexts(data.texts, cursor, size);
  for (std::string& t : page.texts) out.add_texts(std::move(t));
  out.set_next_page_token(std::move(page.next_page_token));
  out.set_total(count);
  return out;
}

absl::StatusOr<events::v1::FeedbackExport> Feedback::Export(
    const std::string& org_id, const events::v1::ExportFeedbackRequest& request) {
  if (request.format() != events::v1::EXPORT_FORMAT_RESPONSES_CSV &&
      request.format() != events::v1::EXPORT_FORMAT_REPORT_JSON) {
    return absl::InvalidArgumentError("format: must be RESPONSES_CSV or REPORT_JSON");
  }
  EVENTS_ASSIGN_OR_RETURN(SurveyRecord record, Load(org_id, request.event_id()));
  events::v1::FeedbackExport out;
  if (request.format() == events::v1::EXPORT_FORMAT_REPORT_JSON) {
    // Streamed, so not capped: every text that may be shown.
    EVENTS_ASSIGN_OR_RETURN(events::v1::FeedbackReport report,
                            BuildReportFor(request.event_id(), record, std::nullopt));
    std::string json;
    google::protobuf::util::JsonPrintOptions options;
    options.add_whitespace = true;
    options.preserve_proto_field_names = true;
    if (!google::protobuf::util::MessageToJsonString(report, &json, options).ok()) {
      return absl::InternalError("could not write the report as JSON");
    }
    out.set_filename(absl::StrCat("feedback-report-", request.event_id(), ".json"));
    out.set_content_type("application/json");
    out.set_content(json);
    out.set_rows(report.response_count());
    return out;
  }
  EVENTS_ASSIGN_OR_RETURN(std::vector<ExportRow> rows, store_.ReadResponses(request.event_id()));
  const int64_t count = static_cast<int64_t>(rows.size());
  EVENTS_ASSIGN_OR_RETURN(std::string csv,
                          ResponsesCsv(DefinitionOf(record), std::move(rows), options_.min_group));
  out.set_rows(count);
  out.set_filename(absl::StrCat("feedback-responses-", request.event_id(), ".csv"));
  out.set_content_type("text/csv; charset=utf-8");
  out.set_content(std::move(csv));
  return out;
}

absl::StatusOr<events::v1::FeedbackTrends> Feedback::Trends(
    const std::string& org_id, const events::v1::GetTrendsRequest& request) {
  EVENTS_RETURN_IF_ERROR(CheckMonth(request.from_month(), "from_month"));
  EVENTS_RETURN_IF_ERROR(CheckMonth(request.to_month(), "to_month"));
  if (!request.from_month().empty() && !request.to_month().empty() &&
      request.from_month() > request.to_month()) {
    return absl::InvalidArgumentError("from_month: must not be after to_month");
  }
  EVENTS_ASSIGN_OR_RETURN(auto fields, store_.ReadTrends(org_id));
  events::v1::FeedbackTrends trends =
      BuildTrends(fields, request.from_month(), request.to_month(), options_.min_group);
  trends.set_org_id(org_id);
  return trends;
}

}  // namespace events::feedback
