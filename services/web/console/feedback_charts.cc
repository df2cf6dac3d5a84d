#include "services/web/console/feedback_charts.h"

#include "absl/strings/str_cat.h"

namespace events::web::console {
namespace {

// A chart's title is its question: at most 200 characters (the drawing's limit; a question
// has at most 300), cut at a character boundary with "...".
std::string Title(absl::string_view text) {
  constexpr size_t kMaxChars = 190;
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && ++chars > kMaxChars) {
      return absl::StrCat(text.substr(0, i), "...");
    }
  }
  return std::string(text.empty() ? "Question" : text);
}

}  // namespace

std::optional<BarChartInput> QuestionChart(const Catalogue& messages,
                                           const events::v1::QuestionReport& question,
                                           int min_group, int index) {
  using events::v1::SurveyQuestionType;
  const SurveyQuestionType type = question.type();
  if (type == events::v1::SURVEY_QUESTION_TYPE_FREE_TEXT ||
      type == events::v1::SURVEY_QUESTION_TYPE_UNSPECIFIED) {
    return std::nullopt;
  }
  BarChartInput input;
  input.id = absl::StrCat("chart-", index);
  input.title = Title(question.text());
  input.min_group = min_group > 0 ? min_group : 5;
  input.unit = messages.Text("console_fb_unit_people");
  input.unit_one = messages.Text("console_fb_unit_person");
  if (question.suppressed()) {
    input.verb = messages.Text("console_fb_verb_answered");
    input.bars.push_back({messages.Text("console_fb_all_answers"), 0, true});
    return input;
  }
  switch (type) {
    case events::v1::SURVEY_QUESTION_TYPE_RATING:
    case events::v1::SURVEY_QUESTION_TYPE_SCALE_0_10: {
      const bool rating = type == events::v1::SURVEY_QUESTION_TYPE_RATING;
      input.verb = messages.Text(rating ? "console_fb_verb_rated" : "console_fb_verb_chose");
      const int low = rating ? 1 : 0;
      const int high = rating ? 5 : 10;
      for (int v = low; v <= high; ++v) {
        int64_t count = 0;
        for (const auto& d : question.distribution()) {
          if (d.value() == v) count = d.count();
        }
        const std::string key =
            absl::StrCat(rating ? "console_fb_rating_" : "console_fb_scale_", v);
        const std::string label = messages.Has(key) ? messages.Text(key) : absl::StrCat(v);
        input.bars.push_back({label, count, false});
      }
      break;
    }
    case events::v1::SURVEY_QUESTION_TYPE_SINGLE_CHOICE:
      input.verb = messages.Text("console_fb_verb_answered");
      for (const auto& c : question.choices()) {
        input.bars.push_back(
            {c.text().empty() ? c.choice_id() : Title(c.text()), c.count(), false});
      }
      break;
    case events::v1::SURVEY_QUESTION_TYPE_MULTIPLE_CHOICE:
      // People tick several boxes, so the bars count ticks, not people.
      input.unit = messages.Text("console_fb_unit_ticks");
      input.unit_one = messages.Text("console_fb_unit_tick");
      input.verb = messages.Text("console_fb_verb_went_to");
      for (const auto& c : question.choices()) {
        input.bars.push_back(
            {c.text().empty() ? c.choice_id() : Title(c.text()), c.count(), false});
      }
      break;
    default:
      return std::nullopt;
  }
  if (input.bars.empty()) return std::nullopt;
  if (input.bars.size() > 50) input.bars.resize(50);
  return input;
}

std::string OutcomeWords(const Catalogue& messages, absl::string_view outcome) {
  const std::string key = absl::StrCat("console_fb_outcome_", outcome);
  return messages.Has(key) ? messages.Text(key) : std::string(outcome);
}

std::optional<BarChartInput> AccessChart(const Catalogue& messages,
                                         const events::v1::FeedbackReport& report) {
  if (report.access_breakdown().empty()) return std::nullopt;
  BarChartInput input;
  input.id = "chart-access";
  input.title = messages.Text("console_fb_access_title");
  input.min_group = report.min_group() > 0 ? report.min_group() : 5;
  input.unit = messages.Text("console_fb_unit_people");
  input.unit_one = messages.Text("console_fb_unit_person");
  input.verb = messages.Text("console_fb_verb_had");
  bool withheld = false;
  for (const auto& row : report.access_breakdown()) withheld = withheld || row.suppressed();
  if (withheld) {
    // Every row is withheld when one is small: one bar says so for the whole breakdown,
    // rather than a bar per row each claiming to be small (most of them are not).
    input.bars.push_back({messages.Text("console_fb_access_all"), 0, true});
    return input;
  }
  for (const auto& row : report.access_breakdown()) {
    input.bars.push_back({OutcomeWords(messages, row.outcome()), row.people(), false});
  }
  return input;
}

}  // namespace events::web::console
