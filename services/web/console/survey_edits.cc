#include "services/web/console/survey_edits.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/util/text_rules.h"
#include "services/feedback/rules/survey_rules.h"

namespace events::web::console {
namespace {

namespace rules = events::feedback;
using events::v1::SurveyQuestionType;

SurveyQuestionType TypeOf(absl::string_view value) {
  if (value == "rating") return events::v1::SURVEY_QUESTION_TYPE_RATING;
  if (value == "scale") return events::v1::SURVEY_QUESTION_TYPE_SCALE_0_10;
  if (value == "single") return events::v1::SURVEY_QUESTION_TYPE_SINGLE_CHOICE;
  if (value == "multiple") return events::v1::SURVEY_QUESTION_TYPE_MULTIPLE_CHOICE;
  if (value == "text") return events::v1::SURVEY_QUESTION_TYPE_FREE_TEXT;
  return events::v1::SURVEY_QUESTION_TYPE_UNSPECIFIED;
}

std::string Trimmed(const Form& form, absl::string_view field) {
  return std::string(absl::StripAsciiWhitespace(form.Get(std::string(field))));
}

// A whole number from `min` to `max` typed in `field`, or an error naming `what`.
int WholeNumber(const Catalogue& messages, const Form& form, const std::string& field, int min,
                int max, const std::string& what, std::vector<FieldError>* errors) {
  int value = 0;
  if (!absl::SimpleAtoi(Trimmed(form, field), &value) || value < min || value > max) {
    errors->push_back(
        {field, messages.Format(
                    "err_console_fb_number",
                    {{"what", what}, {"min", absl::StrCat(min)}, {"max", absl::StrCat(max)}})});
  }
  return value;
}

// Optional wording of up to `max` characters in `field`.
void CheckOptional(const Catalogue& messages, const std::string& text, const std::string& field,
                   size_t max, const std::string& what, std::vector<FieldError>* errors) {
  if (!text.empty() && !CheckText(text, field, 0, max).ok()) {
    errors->push_back({field, messages.Format("err_console_fb_wording",
                                              {{"what", what}, {"max", absl::StrCat(max)}})});
  }
}

}  // namespace

std::string SurveyIdFrom(absl::string_view words, const std::vector<std::string>& taken) {
  std::string id;
  for (char c : words) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) {
      id += absl::ascii_tolower(static_cast<unsigned char>(c));
    } else if (!id.empty() && id.back() != '_') {
      id += '_';
    }
    if (id.size() >= 26) break;  // room for "_NN" within 32
  }
  while (!id.empty() && id.back() == '_') id.pop_back();
  if (id.empty()) id = "q";
  const auto is_taken = [&taken](const std::string& v) {
    return std::find(taken.begin(), taken.end(), v) != taken.end();
  };
  const std::string stem = id;
  for (int n = 2; is_taken(id); ++n) id = absl::StrCat(stem, "_", n);
  return id;
}

void AddSurveyQuestion(const Catalogue& messages, const Form& form,
                       events::v1::SurveyDefinition* definition, std::vector<FieldError>* errors) {
  const SurveyQuestionType type = TypeOf(form.Get("question_type"));
  if (type == events::v1::SURVEY_QUESTION_TYPE_UNSPECIFIED) {
    errors->push_back({"question_type-rating", messages.Text("err_console_fb_type")});
  }
  const std::string text = Trimmed(form, "question_text");
  if (text.empty()) {
    errors->push_back({"question_text", messages.Text("err_console_fb_text_required")});
  } else if (!CheckText(text, "question_text", 1, rules::kMaxQuestionTextChars).ok()) {
    errors->push_back(
        {"question_text", messages.Format("err_console_fb_wording",
                                          {{"what", messages.Text("console_fb_word_question")},
                                           {"max", absl::StrCat(rules::kMaxQuestionTextChars)}})});
  }
  const std::string plain = Trimmed(form, "question_plain");
  CheckOptional(messages, plain, "question_plain", rules::kMaxQuestionTextChars,
                messages.Text("console_fb_word_plain"), errors);
  const std::string help = Trimmed(form, "question_help");
  CheckOptional(messages, help, "question_help", rules::kMaxHelpChars,
                messages.Text("console_fb_word_help"), errors);

  events::v1::SurveyQuestion q;
  q.set_type(type);
  q.set_text(text);
  q.set_plain_text(plain);
  q.set_help(help);
  q.set_required(form.Get("question_required") == "yes");
  const bool choice = type == events::v1::SURVEY_QUESTION_TYPE_SINGLE_CHOICE ||
                      type == events::v1::SURVEY_QUESTION_TYPE_MULTIPLE_CHOICE;
  if (choice) {
    std::vector<std::string> texts;
    std::vector<std::string> ids;
    bool bad = false;
    bool twice = false;
    for (absl::string_view line : absl::StrSplit(form.Get("question_choices"), '\n')) {
      const std::string option(absl::StripAsciiWhitespace(line));
      if (option.empty()) continue;
      if (!CheckText(option, "choice", 1, rules::kMaxChoiceTextChars).ok()) bad = true;
      if (std::find(texts.begin(), texts.end(), option) != texts.end()) twice = true;
      texts.push_back(option);
      auto* c = q.add_choices();
      c->set_id(SurveyIdFrom(option, ids));
      c->set_text(option);
      ids.push_back(c->id());
    }
    if (bad) {
      errors->push_back({"question_choices",
                         messages.Format("err_console_fb_choice_rule",
                                         {{"max", absl::StrCat(rules::kMaxChoiceTextChars)}})});
    } else if (twice) {
      errors->push_back({"question_choices", messages.Text("err_console_fb_choice_twice")});
    } else if (q.choices_size() < rules::kMinChoices || q.choices_size() > rules::kMaxChoices) {
      errors->push_back(
          {"question_choices", messages.Format("err_console_fb_choice_count",
                                               {{"min", absl::StrCat(rules::kMinChoices)},
                                                {"max", absl::StrCat(rules::kMaxChoices)},
                                                {"count", absl::StrCat(q.choices_size())}})});
    }
    q.set_allow_comment(form.Get("question_comment") == "yes");
  }
  if (type == events::v1::SURVEY_QUESTION_TYPE_FREE_TEXT &&
      !Trimmed(form, "question_max").empty()) {
    q.set_max_length(WholeNumber(messages, form, "question_max", 1, rules::kMaxTextLimit,
                                 messages.Text("console_fb_word_max"), errors));
  }
  if (definition->questions_size() >= rules::kMaxQuestions) {
    errors->push_back(
        {"question_text", messages.Format("err_console_fb_too_many",
                                          {{"max", absl::StrCat(rules::kMaxQuestions)}})});
  }
  std::vector<std::string> taken;
  for (const auto& existing : definition->questions()) taken.push_back(existing.id());
  q.set_id(SurveyIdFrom(text, taken));
  if (!errors->empty()) return;
  *definition->add_questions() = q;
  // The service's own rules (direction controls in the wording, for one): said at the field
  // they concern, in words, before anything is sent.
  const absl::Status valid = rules::ValidateDefinition(*definition);
  if (!valid.ok()) {
    const std::string m(valid.message());
    std::string field = "question_text";
    if (absl::StrContains(m, ".choices")) field = "question_choices";
    if (absl::StrContains(m, ".plain_text")) field = "question_plain";
    if (absl::StrContains(m, ".help")) field = "question_help";
    if (absl::StrContains(m, ".max_length")) field = "question_max";
    errors->push_back({field, messages.Text("err_console_fb_characters")});
    definition->mutable_questions()->RemoveLast();
  }
}

void ApplySurveySettings(const Catalogue& messages, const Form& form,
                         events::v1::SurveyDefinition* definition,
                         std::vector<FieldError>* errors) {
  definition->set_anonymous(form.Get("anonymous") == "yes");
  if (Trimmed(form, "window_days").empty()) {
    definition->set_window_days(0);
    return;
  }
  definition->set_window_days(WholeNumber(messages, form, "window_days", rules::kMinWindowDays,
                                          rules::kMaxWindowDays,
                                          messages.Text("console_fb_word_days"), errors));
}

bool MoveSurveyQuestion(events::v1::SurveyDefinition* definition, absl::string_view id, int delta) {
  auto* questions = definition->mutable_questions();
  for (int i = 0; i < questions->size(); ++i) {
    if (questions->Get(i).id() != id) continue;
    const int to = i + delta;
    if (to < 0 || to >= questions->size()) return false;
    questions->SwapElements(i, to);
    return true;
  }
  return false;
}

bool RemoveSurveyQuestion(events::v1::SurveyDefinition* definition, absl::string_view id) {
  auto* questions = definition->mutable_questions();
  for (int i = 0; i < questions->size(); ++i) {
    if (questions->Get(i).id() != id) continue;
    questions->erase(questions->begin() + i);
    return true;
  }
  return false;
}

}  // namespace events::web::console
