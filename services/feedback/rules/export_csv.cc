#include "services/feedback/rules/export_csv.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/util/text_rules.h"

namespace events::feedback {
namespace {

using events::v1::FeedbackAnswer;
using events::v1::SurveyQuestion;

std::string Cell(std::string value) {
  // The one rule of every export (text_rules.h), not only the first byte: a fullwidth '=' or
  // an invisible character before the sign still runs as a formula.
  if (StartsLikeAFormula(value)) value.insert(0, "'");
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string ValueOf(const FeedbackAnswer& a) {
  if (a.has_number()) return absl::StrCat(a.number());
  if (a.choice_ids_size() > 0) return absl::StrJoin(a.choice_ids(), ";");
  return a.text();
}

bool HasCommentColumn(const SurveyQuestion& q) {
  return q.allow_comment() && q.role() != events::v1::QUESTION_ROLE_ACCESS_NEEDS_MET;
}

// Per question: how many rows answered it and how many gave a comment.
struct Counts {
  int64_t answered = 0;
  int64_t commented = 0;
};

}  // namespace

absl::StatusOr<std::string> ResponsesCsv(const events::v1::SurveyDefinition& definition,
                                         std::vector<ExportRow> rows, int32_t min_group) {
  if (static_cast<int64_t>(rows.size()) < min_group) {
    return absl::FailedPreconditionError(
        absl::StrCat("the responses can be exported once at least ", min_group,
                     " people have answered, so that nobody can be recognised (", rows.size(),
                     " so far); the report shows what can be shown"));
  }
  std::vector<std::map<std::string, const FeedbackAnswer*>> by_question(rows.size());
  std::map<std::string, Counts> counts;
  for (size_t i = 0; i < rows.size(); ++i) {
    for (const FeedbackAnswer& a : rows[i].answers) {
      by_question[i][a.question_id()] = &a;
      if (!ValueOf(a).empty()) ++counts[a.question_id()].answered;
      if (!a.comment().empty()) ++counts[a.question_id()].commented;
    }
  }
  std::vector<std::string> header = {"response", "submitted_on"};
  for (const SurveyQuestion& q : definition.questions()) {
    header.push_back(q.id());
    if (HasCommentColumn(q)) header.push_back(q.id() + "_comment");
  }
  // The cells of each row after the number: the day, then the answers.
  std::vector<std::vector<std::string>> lines;
  lines.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    std::vector<std::string> cells;
    for (const SurveyQuestion& q : definition.questions()) {
      const Counts& n = counts[q.id()];
      auto it = by_question[i].find(q.id());
      const FeedbackAnswer* a = it == by_question[i].end() ? nullptr : it->second;
      // Free text is shown by the number of writers, like the report; for a free-text
      // question, answering is writing.
      const bool shown = n.answered >= min_group;
      cells.push_back(Cell(a != nullptr && shown ? ValueOf(*a) : ""));
      if (HasCommentColumn(q)) {
        cells.push_back(Cell(a != nullptr && n.commented >= min_group ? a->comment() : ""));
      }
    }
    cells.push_back(absl::FormatTime("%Y-%m-%d", absl::FromUnixMillis(rows[i].submitted_unix_ms),
                                     absl::UTCTimeZone()));
    lines.push_back(std::move(cells));
  }
  // By content, then by day: the order says nothing about who answered first.
  std::sort(lines.begin(), lines.end());
  std::string out = absl::StrJoin(header, ",") + "\r\n";
  int n = 0;
  for (std::vector<std::string>& cells : lines) {
    std::string day = std::move(cells.back());
    cells.pop_back();
    cells.insert(cells.begin(), {absl::StrCat(++n), std::move(day)});
    absl::StrAppend(&out, absl::StrJoin(cells, ","), "\r\n");
  }
  return out;
}

}  // namespace events::feedback
