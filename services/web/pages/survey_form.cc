#include "services/web/pages/survey_form.h"

#include <algorithm>
#include <optional>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/util/text_rules.h"
#include "common/util/utf8.h"
#include "services/feedback/rules/survey_rules.h"

namespace events::web {
namespace {

using events::v1::SurveyDefinition;
using events::v1::SurveyQuestion;

std::string Trim(absl::string_view s) { return std::string(absl::StripAsciiWhitespace(s)); }

bool IsChoice(const SurveyQuestion& q) {
  return q.type() == events::v1::SURVEY_QUESTION_TYPE_SINGLE_CHOICE ||
         q.type() == events::v1::SURVEY_QUESTION_TYPE_MULTIPLE_CHOICE;
}

bool IsNumber(const SurveyQuestion& q) {
  return q.type() == events::v1::SURVEY_QUESTION_TYPE_RATING ||
         q.type() == events::v1::SURVEY_QUESTION_TYPE_SCALE_0_10;
}

// The number of a rating or 0-10 answer, or -1 when it is not one of the question's.
int NumberOf(const SurveyQuestion& q, const std::string& value) {
  int n = -1;
  if (value.empty() || value.size() > 2 || !absl::SimpleAtoi(value, &n)) return -1;
  const int low = q.type() == events::v1::SURVEY_QUESTION_TYPE_RATING ? 1 : 0;
  const int high = q.type() == events::v1::SURVEY_QUESTION_TYPE_RATING ? 5 : 10;
  return n >= low && n <= high ? n : -1;
}

bool HasChoice(const SurveyQuestion& q, const std::string& id) {
  for (const auto& c : q.choices()) {
    if (c.id() == id) return true;
  }
  return false;
}

std::string Wording(const std::string& text, const std::string& plain, bool easy_read) {
  return easy_read && !plain.empty() ? plain : text;
}

// The one answer the service would get for `q`; nullopt when the question was left blank.
std::optional<events::v1::FeedbackAnswer> AnswerFor(const SurveyQuestion& q,
                                                    const SurveyAnswers& answers) {
  auto it = answers.find(q.id());
  if (it == answers.end() || it->second.values.empty()) return std::nullopt;
  const SurveyAnswer& given = it->second;
  events::v1::FeedbackAnswer a;
  a.set_question_id(q.id());
  if (IsNumber(q)) {
    a.set_number(NumberOf(q, given.values.front()));
  } else if (IsChoice(q)) {
    // In the question's order, as the service stores them.
    for (const auto& c : q.choices()) {
      if (std::find(given.values.begin(), given.values.end(), c.id()) != given.values.end()) {
        a.add_choice_ids(c.id());
      }
    }
    if (q.allow_comment()) a.set_comment(given.comment);
  } else {
    a.set_text(given.values.front());
  }
  return a;
}

// The one error of question `q`: its message, and `in_comment` when it is about the comment
// box; "" when the answer is fine.
std::string CheckOne(const Catalogue& m, const SurveyQuestion& q, const SurveyAnswers& answers,
                     bool* in_comment) {
  *in_comment = false;
  const std::string& question = q.text();
  auto it = answers.find(q.id());
  const bool blank = it == answers.end() || it->second.values.empty();
  const std::string comment = it == answers.end() ? "" : it->second.comment;
  const bool is_text = q.type() == events::v1::SURVEY_QUESTION_TYPE_FREE_TEXT;
  if (blank) {
    if (!comment.empty() && IsChoice(q) && q.allow_comment()) {
      return m.Format("survey_err_comment_without_choice", {{"question", question}});
    }
    if (!q.required()) return "";
    if (is_text) return m.Format("survey_err_text_required", {{"question", question}});
    if (q.type() == events::v1::SURVEY_QUESTION_TYPE_MULTIPLE_CHOICE) {
      return m.Format("survey_err_choose_some", {{"question", question}});
    }
    return m.Format("survey_err_choose_one", {{"question", question}});
  }
  const std::vector<std::string>& values = it->second.values;
  if (IsNumber(q)) {
    if (values.size() != 1 || NumberOf(q, values.front()) < 0) {
      return m.Format("survey_err_choose_listed", {{"question", question}});
    }
  } else if (IsChoice(q)) {
    std::set<std::string> seen;
    bool ok = q.type() == events::v1::SURVEY_QUESTION_TYPE_MULTIPLE_CHOICE || values.size() == 1;
    for (const auto& v : values) ok = ok && HasChoice(q, v) && seen.insert(v).second;
    if (!ok) return m.Format("survey_err_choose_listed", {{"question", question}});
    const size_t max = static_cast<size_t>(events::feedback::kMaxCommentChars);
    if (q.allow_comment() && CountCodePoints(comment) > max) {
      *in_comment = true;
      return m.Format("survey_err_comment_long",
                      {{"question", question},
                       {"max", std::to_string(max)},
                       {"count", std::to_string(CountCodePoints(comment))}});
    }
  } else {
    const size_t max = static_cast<size_t>(events::feedback::TextLimit(q));
    if (values.size() != 1 || CountCodePoints(values.front()) > max) {
      return m.Format("survey_err_text_long",
                      {{"question", question},
                       {"max", std::to_string(max)},
                       {"count", std::to_string(CountCodePoints(values.front()))}});
    }
  }
  // Anything else the service refuses (control characters, text direction overrides...):
  // the service's own rules, on this one answer, so the two never disagree.
  SurveyDefinition one;
  *one.add_questions() = q;
  google::protobuf::RepeatedPtrField<events::v1::FeedbackAnswer> given;
  *given.Add() = *AnswerFor(q, answers);
  const auto checked = events::feedback::ValidateAnswers(one, given);
  if (checked.ok()) return "";
  *in_comment = absl::StrContains(checked.status().message(), ".comment");
  return m.Format(*in_comment ? "survey_err_comment_invalid" : "survey_err_text_invalid",
                  {{"question", question}});
}

Data Option(const std::string& field, size_t index, const std::string& value,
            const std::string& label, bool checked) {
  Data d(Data::type::object);
  // The first option carries the field's own id, which the error summary links to.
  d.set("id", index == 0 ? field : absl::StrCat(field, "-", index + 1));
  d.set("name_attr", field);
  d.set("value", value);
  d.set("label", label);
  d.set("checked", checked);
  return d;
}

std::string ErrorFor(const std::vector<FieldError>& errors, const std::string& field) {
  for (const auto& e : errors) {
    if (e.field == field) return e.message;
  }
  return "";
}

}  // namespace

std::string SurveyField(const std::string& question_id) { return absl::StrCat("q-", question_id); }

std::string SurveyCommentField(const std::string& question_id) {
  return absl::StrCat("q-", question_id, "-comment");
}

SurveyAnswers ReadSurveyAnswers(const Form& form, const SurveyDefinition& survey) {
  SurveyAnswers out;
  for (const auto& q : survey.questions()) {
    SurveyAnswer a;
    for (const std::string& v : form.All(SurveyField(q.id()))) {
      std::string value = q.type() == events::v1::SURVEY_QUESTION_TYPE_FREE_TEXT ? Trim(v) : v;
      if (!value.empty()) a.values.push_back(std::move(value));
    }
    if (IsChoice(q) && q.allow_comment()) a.comment = Trim(form.Get(SurveyCommentField(q.id())));
    if (!a.values.empty() || !a.comment.empty()) out[q.id()] = std::move(a);
  }
  return out;
}

SurveyAnswers SurveyAnswersFrom(
    const google::protobuf::RepeatedPtrField<events::v1::FeedbackAnswer>& stored) {
  SurveyAnswers out;
  for (const auto& s : stored) {
    SurveyAnswer a;
    if (s.has_number()) a.values.push_back(std::to_string(s.number()));
    for (const auto& c : s.choice_ids()) a.values.push_back(c);
    if (!s.text().empty()) a.values.push_back(s.text());
    a.comment = s.comment();
    out[s.question_id()] = std::move(a);
  }
  return out;
}

std::vector<FieldError> CheckSurveyAnswers(const Catalogue& messages, const SurveyAnswers& answers,
                                           const SurveyDefinition& survey) {
  std::vector<FieldError> errors;
  for (const auto& q : survey.questions()) {
    bool in_comment = false;
    std::string message = CheckOne(messages, q, answers, &in_comment);
    if (message.empty()) continue;
    // A comment's own problem points at the comment box; everything else at the answer.
    errors.push_back(
        {in_comment ? SurveyCommentField(q.id()) : SurveyField(q.id()), std::move(message)});
  }
  return errors;
}

events::v1::SubmitResponseRequest ToSubmitResponse(const std::string& token,
                                                   const SurveyAnswers& answers,
                                                   const SurveyDefinition& survey) {
  events::v1::SubmitResponseRequest r;
  r.set_registration_token(token);
  for (const auto& q : survey.questions()) {
    if (auto a = AnswerFor(q, answers)) *r.add_answers() = *std::move(a);
  }
  return r;
}

Data SurveyFormData(Data data, const Catalogue& m, const SurveyAnswers& answers,
                    const SurveyDefinition& survey, const std::vector<FieldError>& errors,
                    bool easy_read) {
  DataList questions;
  for (const auto& q : survey.questions()) {
    const std::string field = SurveyField(q.id());
    auto it = answers.find(q.id());
    const SurveyAnswer given = it == answers.end() ? SurveyAnswer{} : it->second;
    auto is_given = [&given](const std::string& v) {
      return std::find(given.values.begin(), given.values.end(), v) != given.values.end();
    };
    Data d(Data::type::object);
    d.set("id", field);
    d.set("text", Wording(q.text(), q.plain_text(), easy_read));
    d.set("optional", !q.required());
    if (!q.help().empty()) d.set("help", q.help());
    const std::string error = ErrorFor(errors, field);
    if (!error.empty()) {
      d.set("error", error);
      d.set("error_id", absl::StrCat(field, "-error"));
    }
    DataList options;
    switch (q.type()) {
      case events::v1::SURVEY_QUESTION_TYPE_RATING:
        for (int n = 1; n <= 5; ++n) {
          const std::string v = std::to_string(n);
          options.push_back(Option(field, static_cast<size_t>(n - 1), v,
                                   m.Text(absl::StrCat("survey_rating_", n)), is_given(v)));
        }
        d.set("kind_hint", m.Text("survey_hint_rating"));
        d.set("is_radios", true);
        break;
      case events::v1::SURVEY_QUESTION_TYPE_SCALE_0_10:
        for (int n = 0; n <= 10; ++n) {
          const std::string v = std::to_string(n);
          const std::string label =
              n == 0 || n == 10 ? m.Text(absl::StrCat("survey_scale_", n)) : v;
          options.push_back(Option(field, static_cast<size_t>(n), v, label, is_given(v)));
        }
        d.set("kind_hint", m.Text("survey_hint_scale"));
        d.set("is_radios", true);
        d.set("inline", true);
        break;
      case events::v1::SURVEY_QUESTION_TYPE_SINGLE_CHOICE:
      case events::v1::SURVEY_QUESTION_TYPE_MULTIPLE_CHOICE: {
        size_t n = 0;
        for (const auto& c : q.choices()) {
          options.push_back(Option(field, n++, c.id(), Wording(c.text(), c.plain_text(), easy_read),
                                   is_given(c.id())));
        }
        const bool multiple = q.type() == events::v1::SURVEY_QUESTION_TYPE_MULTIPLE_CHOICE;
        d.set(multiple ? "is_checkboxes" : "is_radios", true);
        d.set("kind_hint", m.Text(multiple ? "hint_select_all" : "survey_hint_single"));
        // Two short answers such as yes and no sit side by side, as GOV.UK's yes/no does.
        if (!multiple && q.choices_size() == 2) d.set("inline", true);
        if (q.allow_comment()) {
          // Keys of their own: inside {{#comment}} a missing key would be looked up in the
          // question around it, and show the question's error a second time.
          Data comment(Data::type::object);
          const std::string comment_field = SurveyCommentField(q.id());
          comment.set("comment_id", comment_field);
          comment.set("comment_value", given.comment);
          comment.set("comment_hint",
                      m.Format("survey_hint_comment",
                               {{"max", std::to_string(events::feedback::kMaxCommentChars)}}));
          const std::string comment_error = ErrorFor(errors, comment_field);
          if (!comment_error.empty()) comment.set("comment_error", comment_error);
          d.set("comment", comment);
        }
        break;
      }
      case events::v1::SURVEY_QUESTION_TYPE_FREE_TEXT:
        d.set("is_text", true);
        d.set("value", given.values.empty() ? "" : given.values.front());
        d.set("kind_hint", m.Format("survey_hint_text",
                                    {{"max", std::to_string(events::feedback::TextLimit(q))}}));
        break;
      default:
        continue;  // A type this page does not know yet: the service does not ask it.
    }
    if (!options.empty()) d.set("options", options);
    questions.push_back(d);
  }
  if (!questions.empty()) data.set("questions", questions);
  data.set("easy_read", easy_read);
  SetErrors(data, errors);
  return data;
}

}  // namespace events::web
