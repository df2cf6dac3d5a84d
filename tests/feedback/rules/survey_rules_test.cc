#include "services/feedback/rules/survey_rules.h"

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace events::feedback {
namespace {

using events::v1::FeedbackAnswer;
using events::v1::SurveyDefinition;
using ::testing::HasSubstr;

google::protobuf::RepeatedPtrField<FeedbackAnswer> Answers(
    std::initializer_list<FeedbackAnswer> list) {
  google::protobuf::RepeatedPtrField<FeedbackAnswer> out;
  for (const FeedbackAnswer& a : list) *out.Add() = a;
  return out;
}

FeedbackAnswer Number(const std::string& q, int n) {
  FeedbackAnswer a;
  a.set_question_id(q);
  a.set_number(n);
  return a;
}

FeedbackAnswer Choices(const std::string& q, std::initializer_list<std::string> ids,
                       const std::string& comment = "") {
  FeedbackAnswer a;
  a.set_question_id(q);
  for (const std::string& id : ids) a.add_choice_ids(id);
  a.set_comment(comment);
  return a;
}

FeedbackAnswer Text(const std::string& q, const std::string& text) {
  FeedbackAnswer a;
  a.set_question_id(q);
  a.set_text(text);
  return a;
}

// The default survey plus a multiple-choice question.
SurveyDefinition Survey() {
  SurveyDefinition d = DefaultSurvey();
  events::v1::SurveyQuestion* q = d.add_questions();
  q->set_id("formats");
  q->set_type(events::v1::SURVEY_QUESTION_TYPE_MULTIPLE_CHOICE);
  q->set_text("Which formats would you use?");
  for (const char* id : {"online", "in_person", "hybrid"}) {
    events::v1::SurveyChoice* c = q->add_choices();
    c->set_id(id);
    c->set_text(id);
  }
  return d;
}

absl::Status Check(std::initializer_list<FeedbackAnswer> list) {
  return ValidateAnswers(Survey(), Answers(list)).status();
}

TEST(SurveyRulesTest, DefaultSurveyIsValidAndHasEveryRole) {
  SurveyDefinition d = DefaultSurvey();
  EXPECT_TRUE(ValidateDefinition(d).ok()) << ValidateDefinition(d);
  ASSERT_EQ(d.questions_size(), 5);
  EXPECT_EQ(d.questions(0).type(), events::v1::SURVEY_QUESTION_TYPE_RATING);
  EXPECT_EQ(d.questions(1).role(), events::v1::QUESTION_ROLE_ACCESS_NEEDS_MET);
  EXPECT_EQ(d.questions(1).choices_size(), 4);
  EXPECT_EQ(d.questions(3).type(), events::v1::SURVEY_QUESTION_TYPE_SCALE_0_10);
  for (const auto& q : d.questions()) EXPECT_FALSE(q.plain_text().empty()) << q.id();
}

TEST(SurveyRulesTest, RatingAcceptsOneToFive) {
  EXPECT_TRUE(Check({Number("overall", 1)}).ok());
  EXPECT_TRUE(Check({Number("overall", 5)}).ok());
  EXPECT_THAT(Check({Number("overall", 0)}).message(),
              HasSubstr("answers[0].number: must be 1 to 5"));
  EXPECT_THAT(Check({Number("overall", 6)}).message(), HasSubstr("must be 1 to 5"));
  FeedbackAnswer no_number;
  no_number.set_question_id("overall");
  EXPECT_THAT(Check({no_number}).message(), HasSubstr("number: is required"));
}

TEST(SurveyRulesTest, ScaleAcceptsZeroToTen) {
  EXPECT_TRUE(Check({Number("overall", 3), Number("recommend", 0)}).ok());
  EXPECT_TRUE(Check({Number("overall", 3), Number("recommend", 10)}).ok());
  EXPECT_THAT(Check({Number("overall", 3), Number("recommend", 11)}).message(),
              HasSubstr("answers[1].number: must be 0 to 10"));
  EXPECT_THAT(Check({Number("overall", 3), Number("recommend", -1)}).message(),
              HasSubstr("must be 0 to 10"));
}

TEST(SurveyRulesTest, SingleChoiceTakesExactlyOneKnownChoice) {
  EXPECT_TRUE(Check({Number("overall", 3), Choices("access_needs_met", {"partly"}, "late")}).ok());
  EXPECT_THAT(Check({Number("overall", 3), Choices("access_needs_met", {"yes", "no"})}).message(),
              HasSubstr("exactly one choice"));
  EXPECT_THAT(Check({Number("overall", 3), Choices("access_needs_met", {"maybe"})}).message(),
              HasSubstr("\"maybe\" is not a choice"));
  const std::string bad_choice(
      Check({Number("overall", 3), Choices("access_needs_met", {"may\r\nbe"})}).message());
  EXPECT_EQ(bad_choice.find_first_of("\r\n"), std::string::npos) << bad_choice;
  EXPECT_THAT(bad_choice, HasSubstr("\"may??be\" is not a choice"));
  EXPECT_THAT(Check({Number("overall", 3), Choices("help_shape", {"yes"}, "hi")}).message(),
              HasSubstr("takes no comment"));
}

TEST(SurveyRulesTest, MultipleChoiceTakesDistinctKnownChoicesInQuestionOrder) {
  auto ok = ValidateAnswers(
      Survey(), Answers({Number("overall", 4), Choices("formats", {"hybrid", "online"})}));
  ASSERT_TRUE(ok.ok()) << ok.status();
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_THAT((*ok)[1].choice_ids(), ::testing::ElementsAre("online", "hybrid"));
  EXPECT_THAT(Check({Number("overall", 3), Choices("formats", {})}).message(),
              HasSubstr("at least one choice"));
  EXPECT_THAT(Check({Number("overall", 3), Choices("formats", {"online", "online"})}).message(),
              HasSubstr("given twice"));
}

TEST(SurveyRulesTest, FreeTextHasALengthLimitAndIsRedacted) {
  auto ok = ValidateAnswers(
      Survey(), Answers({Number("overall", 4),
                         Text("mattered_most", "  The captions. Mail me at ann@example.org  ")}));
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ((*ok)[1].text(), "The captions. Mail me at [email removed]");
  EXPECT_TRUE(Check({Number("overall", 4), Text("mattered_most", std::string(1000, 'a'))}).ok());
  EXPECT_THAT(
      Check({Number("overall", 4), Text("mattered_most", std::string(1001, 'a'))}).message(),
      HasSubstr("answers[1].text"));
  EXPECT_THAT(Check({Number("overall", 4), Text("mattered_most", "  ")}).message(),
              HasSubstr("answers[1].text"));
}

// C1 controls (U+0085 NEXT LINE, U+009B CONTROL SEQUENCE INTRODUCER) and bidirectional
// embeddings, overrides and isolates are refused wherever people type: in answers, comments
// and every text of a survey's definition, naming the field. Marks (U+200E, U+200F, U+061C)
// stay allowed (right-to-left keyboards type them).
TEST(SurveyRulesTest, ControlAndBidiCharactersAreRefusedInEveryText) {
  struct Case {
    std::string name;
    std::string character;
    bool refused;
    std::string rule;
  };
  const std::vector<Case> cases = {
      {"U+0085 NEL", "\xC2\x85", true, "control characters"},
      {"U+009B CSI", "\xC2\x9B", true, "control characters"},
      {"U+0007 BEL", "\x07", true, "control characters"},
      // The bidirectional controls are written as escapes, so nothing in the source is
      // reordered on screen: the check sees the decoded bytes.
      // NOLINTBEGIN(misc-misleading-bidirectional)
      {"U+202A LRE", "\xE2\x80\xAA", true, "bidirectional controls"},
      {"U+202B RLE", "\xE2\x80\xAB", true, "bidirectional controls"},
      {"U+202C PDF", "\xE2\x80\xAC", true, "bidirectional controls"},
      {"U+202D LRO", "\xE2\x80\xAD", true, "bidirectional controls"},
      {"U+202E RLO", "\xE2\x80\xAE", true, "bidirectional controls"},
      {"U+2066 LRI", "\xE2\x81\xA6", true, "bidirectional controls"},
      {"U+2067 RLI", "\xE2\x81\xA7", true, "bidirectional controls"},
      {"U+2068 FSI", "\xE2\x81\xA8", true, "bidirectional controls"},
      {"U+2069 PDI", "\xE2\x81\xA9", true, "bidirectional controls"},
      // NOLINTEND(misc-misleading-bidirectional)
      {"U+200F RLM", "\xE2\x80\x8F", false, ""},
      {"U+061C ALM", "\xD8\x9C", false, ""},
      {"U+2065 (unassigned, next to the isolates)", "\xE2\x81\xA5", false, ""},
      {"U+00E9 e acute", "\xC3\xA9", false, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string text = "Good " + c.character + "evening";
    // An answer's text, and a comment.
    absl::Status answer = Check({Number("overall", 4), Text("mattered_most", text)});
    absl::Status comment =
        Check({Number("overall", 4), Choices("access_needs_met", {"yes"}, text)});
    // Every text of a definition.
    std::vector<std::pair<std::string, absl::Status>> definition;
    SurveyDefinition d = DefaultSurvey();
    d.mutable_questions(0)->set_text(text);
    definition.emplace_back("definition.questions[0].text", ValidateDefinition(d));
    d = DefaultSurvey();
    d.mutable_questions(0)->set_plain_text(text);
    definition.emplace_back("definition.questions[0].plain_text", ValidateDefinition(d));
    d = DefaultSurvey();
    d.mutable_questions(0)->set_help(text);
    definition.emplace_back("definition.questions[0].help", ValidateDefinition(d));
    d = DefaultSurvey();
    d.mutable_questions(1)->mutable_choices(0)->set_text(text);
    definition.emplace_back("definition.questions[1].choices[0].text", ValidateDefinition(d));
    if (!c.refused) {
      EXPECT_TRUE(answer.ok()) << answer;
      EXPECT_TRUE(comment.ok()) << comment;
      for (const auto& [field, status] : definition) EXPECT_TRUE(status.ok()) << field << status;
      continue;
    }
    EXPECT_EQ(answer.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(answer.message(), HasSubstr("answers[1].text"));
    EXPECT_THAT(answer.message(), HasSubstr(c.rule));
    EXPECT_EQ(comment.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(comment.message(), HasSubstr("answers[1].comment"));
    EXPECT_THAT(comment.message(), HasSubstr(c.rule));
    for (const auto& [field, status] : definition) {
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << field;
      EXPECT_THAT(status.message(), HasSubstr(field));
      EXPECT_THAT(status.message(), HasSubstr(c.rule));
    }
  }
}

TEST(SurveyRulesTest, RequiredUnknownAndRepeatedQuestions) {
  EXPECT_THAT(Check({Number("recommend", 9)}).message(), HasSubstr("question overall is required"));
  EXPECT_THAT(Check({Number("overall", 3), Number("nope", 1)}).message(),
              HasSubstr("the survey has no question \"nope\""));
  // Ids from the request are quoted on one line, control characters shown as '?' (found by
  // fuzz/fuzz_rpc_feedback: a newline in the message).
  const std::string unknown(Check({Number("overall", 3), Number("no\npe", 1)}).message());
  EXPECT_EQ(unknown.find('\n'), std::string::npos) << unknown;
  EXPECT_THAT(unknown, HasSubstr("the survey has no question \"no?pe\""));
  EXPECT_THAT(Check({Number("overall", 3), Number("overall", 4)}).message(),
              HasSubstr("answered twice"));
  const std::string twice(
      Check({Number("overall", 3), Number("x\ny", 1), Number("x\ny", 2)}).message());
  EXPECT_EQ(twice.find('\n'), std::string::npos) << twice;
  EXPECT_THAT(twice, HasSubstr("question \"x?y\" is answered twice"));
  EXPECT_THAT(Check({Number("overall", 3), Text("recommend", "ten")}).message(),
              HasSubstr("answers[1].number: is required"));
}

TEST(SurveyRulesTest, DefinitionRules) {
  SurveyDefinition d = DefaultSurvey();
  d.mutable_questions(1)->mutable_choices()->RemoveLast();
  d.mutable_questions(1)->mutable_choices()->RemoveLast();
  d.mutable_questions(1)->mutable_choices()->RemoveLast();
  EXPECT_THAT(ValidateDefinition(d).message(),
              HasSubstr("definition.questions[1].choices: a choice question needs 2 to 12"));

  d = DefaultSurvey();
  d.mutable_questions(2)->set_id("overall");
  EXPECT_THAT(ValidateDefinition(d).message(), HasSubstr("is used by another question"));
  d = DefaultSurvey();
  d.mutable_questions(2)->set_id("Bad Id");
  EXPECT_THAT(ValidateDefinition(d).message(), HasSubstr("questions[2].id: only a-z"));
  d = DefaultSurvey();
  d.mutable_questions(0)->set_type(events::v1::SURVEY_QUESTION_TYPE_FREE_TEXT);
  EXPECT_THAT(ValidateDefinition(d).message(), HasSubstr("questions[0].role"));
  d = DefaultSurvey();
  d.mutable_questions(2)->set_max_length(2001);
  EXPECT_THAT(ValidateDefinition(d).message(), HasSubstr("questions[2].max_length"));
  d = DefaultSurvey();
  d.set_window_days(91);
  EXPECT_THAT(ValidateDefinition(d).message(), HasSubstr("window_days"));
  d = DefaultSurvey();
  d.mutable_questions(0)->set_text("");
  EXPECT_THAT(ValidateDefinition(d).message(), HasSubstr("questions[0].text"));
  d.clear_questions();
  EXPECT_THAT(ValidateDefinition(d).message(), HasSubstr("definition.questions: 1 to 30"));
}

TEST(SurveyRulesTest, OnlyWordingMayChangeOnceOpen) {
  SurveyDefinition before = DefaultSurvey();
  SurveyDefinition after = before;
  after.mutable_questions(0)->set_text("How was it?");
  after.mutable_questions(1)->mutable_choices(0)->set_plain_text("Yes, all of them");
  after.mutable_questions(2)->set_required(true);
  EXPECT_TRUE(CheckSameStructure(before, after).ok());
  after = before;
  after.mutable_questions(1)->mutable_choices(0)->set_id("yes_all");
  EXPECT_EQ(CheckSameStructure(before, after).code(), absl::StatusCode::kFailedPrecondition);
  after = before;
  after.set_anonymous(true);
  EXPECT_THAT(CheckSameStructure(before, after).message(), HasSubstr("anonymous"));
  after = before;
  after.mutable_questions()->RemoveLast();
  EXPECT_EQ(CheckSameStructure(before, after).code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace events::feedback
