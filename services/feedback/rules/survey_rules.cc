#include "services/feedback/rules/survey_rules.h"

#include <map>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/util/redact.h"
#include "common/util/text_rules.h"

namespace events::feedback {
namespace {

using events::v1::FeedbackAnswer;
using events::v1::QuestionRole;
using events::v1::SurveyChoice;
using events::v1::SurveyDefinition;
using events::v1::SurveyQuestion;
using events::v1::SurveyQuestionType;

bool IsChoice(SurveyQuestionType type) {
  return type == events::v1::SURVEY_QUESTION_TYPE_SINGLE_CHOICE ||
         type == events::v1::SURVEY_QUESTION_TYPE_MULTIPLE_CHOICE;
}

// CheckText, and no bidirectional embedding, override or isolate (U+202A..U+202E,
// U+2066..U+2069): they make text display in another order than it was written (a report
// could show an answer other than the one given). The marks U+200E, U+200F and U+061C stay
// allowed: they only set the direction of the characters around them, and keyboards for
// right-to-left scripts type them.
absl::Status CheckSurveyText(absl::string_view value, absl::string_view field, size_t min_chars,
                             size_t max_chars, bool multiline = false) {
  if (absl::Status s = CheckText(value, field, min_chars, max_chars, multiline); !s.ok()) return s;
  // Valid UTF-8 now: U+202A..U+202E are E2 80 AA..AE, U+2066..U+2069 are E2 81 A6..A9.
  for (size_t i = 0; i + 2 < value.size(); ++i) {
    if (static_cast<unsigned char>(value[i]) != 0xE2) continue;
    const auto second = static_cast<unsigned char>(value[i + 1]);
    const auto third = static_cast<unsigned char>(value[i + 2]);
    if ((second == 0x80 && third >= 0xAA && third <= 0xAE) ||
        (second == 0x81 && third >= 0xA6 && third <= 0xA9)) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, " must not contain bidirectional controls (U+202A to U+202E, U+2066 to U+2069)"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckId(const std::string& id, const std::string& field) {
  if (id.empty() || id.size() > kMaxIdChars) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": must be 1 to ", kMaxIdChars, " characters"));
  }
  for (char c : id) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_')) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": only a-z, 0-9 and _ are allowed (got ", QuoteForMessage(id), ")"));
    }
  }
  return absl::OkStatus();
}

SurveyChoice Choice(const char* id, const char* text, const char* plain = "") {
  SurveyChoice c;
  c.set_id(id);
  c.set_text(text);
  c.set_plain_text(plain);
  return c;
}

SurveyQuestion* Add(SurveyDefinition& d, const char* id, SurveyQuestionType type, const char* text,
                    const char* plain, bool required, QuestionRole role) {
  SurveyQuestion* q = d.add_questions();
  q->set_id(id);
  q->set_type(type);
  q->set_text(text);
  q->set_plain_text(plain);
  q->set_required(required);
  q->set_role(role);
  return q;
}

absl::Status CheckChoices(const SurveyQuestion& q, const std::string& field) {
  if (!IsChoice(q.type())) {
    if (q.choices_size() > 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".choices: only choice questions have choices"));
    }
    if (q.allow_comment()) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".allow_comment: only choice questions take a comment"));
    }
    return absl::OkStatus();
  }
  if (q.choices_size() < kMinChoices || q.choices_size() > kMaxChoices) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".choices: a choice question needs ",
                                                   kMinChoices, " to ", kMaxChoices,
                                                   " choices (got ", q.choices_size(), ")"));
  }
  std::set<std::string> ids;
  for (int i = 0; i < q.choices_size(); ++i) {
    const SurveyChoice& c = q.choices(i);
    const std::string cf = absl::StrCat(field, ".choices[", i, "]");
    if (absl::Status s = CheckId(c.id(), cf + ".id"); !s.ok()) return s;
    if (!ids.insert(c.id()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(cf, ".id: \"", c.id(), "\" is used twice in this question"));
    }
    if (absl::Status s = CheckSurveyText(c.text(), cf + ".text", 1, kMaxChoiceTextChars); !s.ok()) {
      return s;
    }
    if (absl::Status s =
            CheckSurveyText(c.plain_text(), cf + ".plain_text", 0, kMaxChoiceTextChars);
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

// The type a role needs.
SurveyQuestionType TypeForRole(QuestionRole role) {
  switch (role) {
    case events::v1::QUESTION_ROLE_OVERALL:
      return events::v1::SURVEY_QUESTION_TYPE_RATING;
    case events::v1::QUESTION_ROLE_ACCESS_NEEDS_MET:
    case events::v1::QUESTION_ROLE_HELP_SHAPE:
      return events::v1::SURVEY_QUESTION_TYPE_SINGLE_CHOICE;
    case events::v1::QUESTION_ROLE_RECOMMEND:
      return events::v1::SURVEY_QUESTION_TYPE_SCALE_0_10;
    default:
      return events::v1::SURVEY_QUESTION_TYPE_UNSPECIFIED;
  }
}

absl::Status CheckQuestion(const SurveyQuestion& q, const std::string& field) {
  if (absl::Status s = CheckId(q.id(), field + ".id"); !s.ok()) return s;
  if (!events::v1::SurveyQuestionType_IsValid(q.type()) ||
      q.type() == events::v1::SURVEY_QUESTION_TYPE_UNSPECIFIED) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ".type: must be rating, scale_0_10, single_choice, multiple_choice or free_text"));
  }
  if (absl::Status s = CheckSurveyText(q.text(), field + ".text", 1, kMaxQuestionTextChars);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          CheckSurveyText(q.plain_text(), field + ".plain_text", 0, kMaxQuestionTextChars);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckSurveyText(q.help(), field + ".help", 0, kMaxHelpChars, true);
      !s.ok()) {
    return s;
  }
  if (q.max_length() < 0 || q.max_length() > kMaxTextLimit) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".max_length: must be 0 (default ",
                                                   kDefaultTextLimit, ") to ", kMaxTextLimit));
  }
  if (!events::v1::QuestionRole_IsValid(q.role())) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".role: unknown role"));
  }
  if (q.role() != events::v1::QUESTION_ROLE_UNSPECIFIED && q.type() != TypeForRole(q.role())) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".role: ", events::v1::QuestionRole_Name(q.role()), " needs type ",
                     events::v1::SurveyQuestionType_Name(TypeForRole(q.role()))));
  }
  return CheckChoices(q, field);
}

const SurveyChoice* FindChoice(const SurveyQuestion& q, const std::string& id) {
  for (const SurveyChoice& c : q.choices()) {
    if (c.id() == id) return &c;
  }
  return nullptr;
}

// Trims, checks and redacts one free text.
absl::StatusOr<std::string> CleanText(const std::string& text, const std::string& field,
                                      size_t min_chars, size_t max_chars) {
  if (absl::Status s = CheckSurveyText(text, field, min_chars, max_chars, true); !s.ok()) return s;
  return RedactContacts(std::string(absl::StripAsciiWhitespace(text)));
}

absl::Status CheckNumber(const FeedbackAnswer& a, int lo, int hi, const std::string& field) {
  if (!a.has_number()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".number: is required for this question"));
  }
  if (a.number() < lo || a.number() > hi) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".number: must be ", lo, " to ", hi, " (got ", a.number(), ")"));
  }
  if (a.choice_ids_size() > 0 || !a.text().empty() || !a.comment().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": a number question takes only number"));
  }
  return absl::OkStatus();
}

absl::StatusOr<FeedbackAnswer> CheckAnswer(const SurveyQuestion& q, const FeedbackAnswer& a,
                                           const std::string& field) {
  FeedbackAnswer out;
  out.set_question_id(q.id());
  switch (q.type()) {
    case events::v1::SURVEY_QUESTION_TYPE_RATING:
      if (absl::Status s = CheckNumber(a, 1, 5, field); !s.ok()) return s;
      out.set_number(a.number());
      return out;
    case events::v1::SURVEY_QUESTION_TYPE_SCALE_0_10:
      if (absl::Status s = CheckNumber(a, 0, 10, field); !s.ok()) return s;
      out.set_number(a.number());
      return out;
    case events::v1::SURVEY_QUESTION_TYPE_FREE_TEXT: {
      if (a.has_number() || a.choice_ids_size() > 0 || !a.comment().empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(field, ": a free-text question takes only text"));
      }
      absl::StatusOr<std::string> text =
          CleanText(a.text(), field + ".text", 1, static_cast<size_t>(TextLimit(q)));
      if (!text.ok()) return text.status();
      out.set_text(*text);
      return out;
    }
    default:
      break;
  }
  // Choice questions.
  if (a.has_number() || !a.text().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": a choice question takes choice_ids (and a comment)"));
  }
  const bool single = q.type() == events::v1::SURVEY_QUESTION_TYPE_SINGLE_CHOICE;
  if (a.choice_ids_size() == 0 || (single && a.choice_ids_size() != 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".choice_ids: ",
                     single ? "exactly one choice is needed" : "at least one choice is needed"));
  }
  std::set<std::string> seen;
  for (const std::string& id : a.choice_ids()) {
    if (FindChoice(q, id) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".choice_ids: ", QuoteForMessage(id),
                                                     " is not a choice of question ", q.id()));
    }
    if (!seen.insert(id).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".choice_ids: ", QuoteForMessage(id), " is given twice"));
    }
  }
  // Stored in the question's order, so the same choices always count the same way.
  for (const SurveyChoice& c : q.choices()) {
    if (seen.count(c.id()) > 0) out.add_choice_ids(c.id());
  }
  if (!a.comment().empty()) {
    if (!q.allow_comment()) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".comment: question ", q.id(), " takes no comment"));
    }
    absl::StatusOr<std::string> comment =
        CleanText(a.comment(), field + ".comment", 0, static_cast<size_t>(kMaxCommentChars));
    if (!comment.ok()) return comment.status();
    out.set_comment(*comment);
  }
  return out;
}

}  // namespace

int32_t TextLimit(const SurveyQuestion& question) {
  return question.max_length() > 0 ? question.max_length() : kDefaultTextLimit;
}

SurveyDefinition DefaultSurvey() {
  SurveyDefinition d;
  Add(d, "overall", events::v1::SURVEY_QUESTION_TYPE_RATING,
      "Overall, how would you rate the event?", "How good was the event? 1 is bad, 5 is very good.",
      true, events::v1::QUESTION_ROLE_OVERALL);
  SurveyQuestion* access =
      Add(d, "access_needs_met", events::v1::SURVEY_QUESTION_TYPE_SINGLE_CHOICE,
          "Were your access needs met?", "Did you get what you needed to take part?", false,
          events::v1::QUESTION_ROLE_ACCESS_NEEDS_MET);
  *access->add_choices() = Choice("yes", "Yes");
  *access->add_choices() = Choice("partly", "Partly");
  *access->add_choices() = Choice("no", "No");
  *access->add_choices() = Choice("none", "I had no access needs", "I did not need anything");
  access->set_allow_comment(true);
  SurveyQuestion* mattered = Add(d, "mattered_most", events::v1::SURVEY_QUESTION_TYPE_FREE_TEXT,
                                 "What mattered most to you?", "What was most important to you?",
                                 false, events::v1::QUESTION_ROLE_UNSPECIFIED);
  mattered->set_max_length(1000);
  Add(d, "recommend", events::v1::SURVEY_QUESTION_TYPE_SCALE_0_10,
      "How likely are you to recommend events like this to a friend or colleague?",
      "Would you tell a friend to come? 0 is no, 10 is yes for sure.", false,
      events::v1::QUESTION_ROLE_RECOMMEND);
  SurveyQuestion* shape = Add(d, "help_shape", events::v1::SURVEY_QUESTION_TYPE_SINGLE_CHOICE,
                              "Would you like to help shape future events?",
                              "Do you want to help us plan the next events?", false,
                              events::v1::QUESTION_ROLE_HELP_SHAPE);
  *shape->add_choices() = Choice("yes", "Yes, please contact me");
  *shape->add_choices() = Choice("no", "No, thank you");
  return d;
}

absl::Status ValidateDefinition(const SurveyDefinition& d) {
  if (d.questions_size() < 1 || d.questions_size() > kMaxQuestions) {
    return absl::InvalidArgumentError(absl::StrCat("definition.questions: 1 to ", kMaxQuestions,
                                                   " questions (got ", d.questions_size(), ")"));
  }
  if (d.window_days() != 0 &&
      (d.window_days() < kMinWindowDays || d.window_days() > kMaxWindowDays)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "definition.window_days: must be 0 (default) or ", kMinWindowDays, " to ", kMaxWindowDays));
  }
  std::set<std::string> ids;
  std::set<int> roles;
  for (int i = 0; i < d.questions_size(); ++i) {
    const SurveyQuestion& q = d.questions(i);
    const std::string field = absl::StrCat("definition.questions[", i, "]");
    if (absl::Status s = CheckQuestion(q, field); !s.ok()) return s;
    if (!ids.insert(q.id()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".id: \"", q.id(), "\" is used by another question"));
    }
    if (q.role() != events::v1::QUESTION_ROLE_UNSPECIFIED && !roles.insert(q.role()).second) {
      return absl::InvalidArgumentError(absl::StrCat(field,
                                                     ".role: only one question may have role ",
                                                     events::v1::QuestionRole_Name(q.role())));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckSameStructure(const SurveyDefinition& before, const SurveyDefinition& after) {
  const auto refuse = [](absl::string_view what) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the survey has opened, so ", what,
        " can no longer change (it would make the counts already kept meaningless); only "
        "wording, required and max_length may change"));
  };
  if (before.anonymous() != after.anonymous()) return refuse("anonymous");
  if (before.window_days() != after.window_days()) return refuse("window_days");
  if (before.questions_size() != after.questions_size()) return refuse("the list of questions");
  for (int i = 0; i < before.questions_size(); ++i) {
    const SurveyQuestion& a = before.questions(i);
    const SurveyQuestion& b = after.questions(i);
    if (a.id() != b.id()) return refuse("question ids and their order");
    if (a.type() != b.type()) return refuse(absl::StrCat("the type of question ", a.id()));
    if (a.role() != b.role()) return refuse(absl::StrCat("the role of question ", a.id()));
    if (a.allow_comment() != b.allow_comment()) {
      return refuse(absl::StrCat("allow_comment of question ", a.id()));
    }
    if (a.choices_size() != b.choices_size()) {
      return refuse(absl::StrCat("the choices of question ", a.id()));
    }
    for (int c = 0; c < a.choices_size(); ++c) {
      if (a.choices(c).id() != b.choices(c).id()) {
        return refuse(absl::StrCat("the choices of question ", a.id()));
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<FeedbackAnswer>> ValidateAnswers(
    const SurveyDefinition& d, const google::protobuf::RepeatedPtrField<FeedbackAnswer>& answers) {
  if (answers.size() > d.questions_size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("answers: at most one answer per question (", d.questions_size(), ")"));
  }
  std::map<std::string, std::pair<int, const FeedbackAnswer*>> given;
  for (int i = 0; i < answers.size(); ++i) {
    const std::string& id = answers[i].question_id();
    if (id.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("answers[", i, "].question_id: is required"));
    }
    if (!given.emplace(id, std::make_pair(i, &answers[i])).second) {
      return absl::InvalidArgumentError(absl::StrCat("answers[", i, "].question_id: question ",
                                                     QuoteForMessage(id), " is answered twice"));
    }
  }
  std::vector<FeedbackAnswer> out;
  size_t matched = 0;
  for (const SurveyQuestion& q : d.questions()) {
    auto it = given.find(q.id());
    if (it == given.end()) {
      if (q.required()) {
        return absl::InvalidArgumentError(
            absl::StrCat("answers: question ", q.id(), " is required"));
      }
      continue;
    }
    ++matched;
    absl::StatusOr<FeedbackAnswer> a =
        CheckAnswer(q, *it->second.second, absl::StrCat("answers[", it->second.first, "]"));
    if (!a.ok()) return a.status();
    out.push_back(*std::move(a));
  }
  if (matched != given.size()) {
    for (const auto& [id, where] : given) {
      bool known = false;
      for (const SurveyQuestion& q : d.questions()) known = known || q.id() == id;
      if (!known) {
        return absl::InvalidArgumentError(absl::StrCat("answers[", where.first,
                                                       "].question_id: the survey has no question ",
                                                       QuoteForMessage(id)));
      }
    }
  }
  return out;
}

}  // namespace events::feedback
