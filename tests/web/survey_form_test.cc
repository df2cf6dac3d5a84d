// The feedback survey's form: every question type read, checked with plain-English messages
// naming the question, laid out as the right control, and turned into SubmitResponse.
#include "services/web/pages/survey_form.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/feedback/rules/survey_rules.h"
#include "services/web/view/embedded.h"
#include "services/web/view/renderer.h"

namespace events::web {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

Catalogue English() { return *Catalogue::Parse(*EmbeddedText("messages/en-GB.txt"), "en-GB"); }

// The default survey (rating, single choice with a comment, free text, 0-10, yes/no) and a
// multiple-choice question, so that every type of feedback.proto is here.
events::v1::SurveyDefinition Survey() {
  events::v1::SurveyDefinition d = events::feedback::DefaultSurvey();
  auto* q = d.add_questions();
  q->set_id("formats");
  q->set_type(events::v1::SURVEY_QUESTION_TYPE_MULTIPLE_CHOICE);
  q->set_text("Which formats did you use?");
  q->set_plain_text("What did you use?");
  for (const char* id : {"slides", "captions", "recording"}) {
    auto* c = q->add_choices();
    c->set_id(id);
    c->set_text(id);
  }
  return d;
}

std::vector<FieldError> Check(const std::string& body) {
  const auto d = Survey();
  return CheckSurveyAnswers(English(), ReadSurveyAnswers(*Form::Parse(body), d), d);
}

constexpr char kOk[] = "q-overall=4&q-recommend=9&q-access_needs_met=partly";

TEST(SurveyFormTest, TheDefaultSurveyNeedsOnlyItsRequiredRating) {
  const auto errors = Check("");
  ASSERT_THAT(errors, ElementsAre(Field(&FieldError::field, "q-overall")));
  EXPECT_EQ(errors[0].message, "Select an answer to \"Overall, how would you rate the event?\"");
  EXPECT_THAT(Check("q-overall=5"), IsEmpty());
  EXPECT_THAT(Check(kOk), IsEmpty());
}

TEST(SurveyFormTest, EveryRequiredTypeHasItsOwnMessage) {
  auto d = Survey();
  for (auto& q : *d.mutable_questions()) q.set_required(true);
  const auto errors = CheckSurveyAnswers(English(), {}, d);
  ASSERT_EQ(errors.size(), 6u);
  EXPECT_EQ(errors[1].message, "Select an answer to \"Were your access needs met?\"");
  EXPECT_EQ(errors[2].message, "Write an answer to \"What mattered most to you?\"");
  EXPECT_EQ(errors[5].field, "q-formats");
  EXPECT_EQ(errors[5].message, "Select at least one answer to \"Which formats did you use?\"");
}

TEST(SurveyFormTest, NumbersMustBeOnTheQuestionsScale) {
  EXPECT_THAT(Check("q-overall=0"), ElementsAre(Field(&FieldError::field, "q-overall")));
  EXPECT_THAT(Check("q-overall=6"), ElementsAre(Field(&FieldError::field, "q-overall")));
  EXPECT_THAT(Check("q-overall=x"), ElementsAre(Field(&FieldError::field, "q-overall")));
  EXPECT_THAT(Check("q-overall=3&q-overall=4"),
              ElementsAre(Field(&FieldError::field, "q-overall")));
  EXPECT_THAT(Check("q-overall=1&q-recommend=0"), IsEmpty());
  EXPECT_THAT(Check("q-overall=1&q-recommend=10"), IsEmpty());
  const auto errors = Check("q-overall=1&q-recommend=11");
  ASSERT_THAT(errors, ElementsAre(Field(&FieldError::field, "q-recommend")));
  EXPECT_EQ(errors[0].message,
            "Select one of the answers listed for \"How likely are you to recommend events like "
            "this to a friend or colleague?\"");
}

TEST(SurveyFormTest, ChoicesMustBeTheQuestionsOwn) {
  EXPECT_THAT(Check("q-overall=5&q-access_needs_met=maybe"),
              ElementsAre(Field(&FieldError::field, "q-access_needs_met")));
  // Single choice: one answer only.
  EXPECT_THAT(Check("q-overall=5&q-access_needs_met=yes&q-access_needs_met=no"),
              ElementsAre(Field(&FieldError::field, "q-access_needs_met")));
  // Multiple choice: any of its own, each once.
  EXPECT_THAT(Check("q-overall=5&q-formats=slides&q-formats=recording"), IsEmpty());
  EXPECT_THAT(Check("q-overall=5&q-formats=slides&q-formats=slides"),
              ElementsAre(Field(&FieldError::field, "q-formats")));
  EXPECT_THAT(Check("q-overall=5&q-formats=video"),
              ElementsAre(Field(&FieldError::field, "q-formats")));
}

TEST(SurveyFormTest, FreeTextKeepsToItsLimitAndRefusesControlCharacters) {
  const std::string at_limit(1000, 'a');
  EXPECT_THAT(Check("q-overall=5&q-mattered_most=" + at_limit), IsEmpty());
  const auto long_errors = Check("q-overall=5&q-mattered_most=" + at_limit + "b");
  ASSERT_THAT(long_errors, ElementsAre(Field(&FieldError::field, "q-mattered_most")));
  EXPECT_EQ(long_errors[0].message,
            "Your answer to \"What mattered most to you?\" must be 1000 characters or fewer. It "
            "has 1001 now");
  // Characters, not bytes: 1000 emoji are fine.
  std::string emoji;
  for (int i = 0; i < 1000; ++i) emoji += "%F0%9F%98%80";
  EXPECT_THAT(Check("q-overall=5&q-mattered_most=" + emoji), IsEmpty());
  // Line breaks are fine; a bell or a text-direction override is not (the service's rule).
  EXPECT_THAT(Check("q-overall=5&q-mattered_most=line%0D%0Anext"), IsEmpty());
  const auto bell = Check("q-overall=5&q-mattered_most=ring%07");
  ASSERT_THAT(bell, ElementsAre(Field(&FieldError::field, "q-mattered_most")));
  EXPECT_EQ(bell[0].message,
            "Your answer to \"What mattered most to you?\" has characters that cannot be used. "
            "Delete them and try again");
  EXPECT_THAT(Check("q-overall=5&q-mattered_most=abc%E2%80%AEdef"),
              ElementsAre(Field(&FieldError::field, "q-mattered_most")));
  // Only spaces is no answer (and the question is optional).
  EXPECT_THAT(Check("q-overall=5&q-mattered_most=+++"), IsEmpty());
}

TEST(SurveyFormTest, CommentsPointAtTheCommentBox) {
  const std::string base = "q-overall=5&q-access_needs_met=partly&q-access_needs_met-comment=";
  EXPECT_THAT(Check(base + "The slides came late"), IsEmpty());
  const auto long_errors = Check(base + std::string(501, 'x'));
  ASSERT_THAT(long_errors, ElementsAre(Field(&FieldError::field, "q-access_needs_met-comment")));
  EXPECT_EQ(long_errors[0].message,
            "What you wrote about \"Were your access needs met?\" must be 500 characters or "
            "fewer. It has 501 now");
  EXPECT_THAT(Check(base + "late%1B"),
              ElementsAre(Field(&FieldError::field, "q-access_needs_met-comment")));
  // A comment with no answer chosen: the answer is what is missing.
  const auto alone = Check("q-overall=5&q-access_needs_met-comment=late");
  ASSERT_THAT(alone, ElementsAre(Field(&FieldError::field, "q-access_needs_met")));
  EXPECT_EQ(alone[0].message,
            "Select an answer to \"Were your access needs met?\" to go with what you wrote");
}

TEST(SurveyFormTest, EveryMessageNamesItsQuestionAndNoneIsMissing) {
  auto d = Survey();
  for (auto& q : *d.mutable_questions()) q.set_required(true);
  const Catalogue m = English();
  for (const auto& e : CheckSurveyAnswers(m, {}, d)) {
    EXPECT_THAT(e.message, Not(HasSubstr("[["))) << e.field;
    EXPECT_THAT(e.message, Not(HasSubstr("{"))) << e.field;
  }
  for (const auto& e : Check("q-overall=9&q-access_needs_met=x&q-access_needs_met-comment=%07")) {
    EXPECT_THAT(e.message, Not(HasSubstr("[[")));
    EXPECT_THAT(e.message, HasSubstr("\""));
  }
}

TEST(SurveyFormTest, AnswersBecomeTheRequestInTheSurveysOrder) {
  const auto d = Survey();
  const auto answers = ReadSurveyAnswers(
      *Form::Parse("q-formats=recording&q-formats=slides&q-mattered_most=++Being+listened+to++"
                   "&q-help_shape=yes&q-recommend=0&q-access_needs_met=partly"
                   "&q-access_needs_met-comment=Slides+late&q-overall=4&other=ignored"),
      d);
  ASSERT_THAT(CheckSurveyAnswers(English(), answers, d), IsEmpty());
  const events::v1::SubmitResponseRequest r = ToSubmitResponse("tok_1", answers, d);
  EXPECT_EQ(r.registration_token(), "tok_1");
  ASSERT_EQ(r.answers_size(), 6);
  EXPECT_EQ(r.answers(0).question_id(), "overall");
  EXPECT_EQ(r.answers(0).number(), 4);
  EXPECT_EQ(r.answers(1).question_id(), "access_needs_met");
  EXPECT_THAT(r.answers(1).choice_ids(), ElementsAre("partly"));
  EXPECT_EQ(r.answers(1).comment(), "Slides late");
  EXPECT_EQ(r.answers(2).text(), "Being listened to");
  EXPECT_EQ(r.answers(3).question_id(), "recommend");
  EXPECT_TRUE(r.answers(3).has_number());
  EXPECT_EQ(r.answers(3).number(), 0);
  EXPECT_THAT(r.answers(4).choice_ids(), ElementsAre("yes"));
  // Choices in the question's order, as the service stores them.
  EXPECT_THAT(r.answers(5).choice_ids(), ElementsAre("slides", "recording"));
  // The service itself accepts it.
  EXPECT_TRUE(events::feedback::ValidateAnswers(d, r.answers()).ok());
}

TEST(SurveyFormTest, BlankOptionalQuestionsAreLeftOut) {
  const auto d = Survey();
  const auto answers =
      ReadSurveyAnswers(*Form::Parse("q-overall=2&q-mattered_most=&q-formats="), d);
  const auto r = ToSubmitResponse("t", answers, d);
  ASSERT_EQ(r.answers_size(), 1);
  EXPECT_EQ(r.answers(0).question_id(), "overall");
}

TEST(SurveyFormTest, StoredAnswersFillTheFormInAgain) {
  const auto d = Survey();
  const auto answers =
      ReadSurveyAnswers(*Form::Parse("q-overall=4&q-access_needs_met=no&q-access_needs_met-comment="
                                     "No+captions&q-formats=captions&q-mattered_most=People"),
                        d);
  const auto request = ToSubmitResponse("t", answers, d);
  EXPECT_EQ(SurveyAnswersFrom(request.answers()).size(), answers.size());
  const auto again = SurveyAnswersFrom(request.answers());
  EXPECT_THAT(again.at("overall").values, ElementsAre("4"));
  EXPECT_EQ(again.at("access_needs_met").comment, "No captions");
  EXPECT_THAT(again.at("formats").values, ElementsAre("captions"));
  EXPECT_THAT(again.at("mattered_most").values, ElementsAre("People"));
}

// The page itself: each type as its accessible control, errors inline and in the summary.
std::string Render(const SurveyAnswers& answers, const std::vector<FieldError>& errors,
                   bool easy_read = false) {
  const Catalogue m = English();
  const Renderer r(m);
  Data data = SurveyFormData(Data(Data::type::object), m, answers, Survey(), errors, easy_read);
  data.set("csrf", "tok");
  return r.Page("feedback", data, {"Feedback", !errors.empty()});
}

TEST(SurveyFormTest, EachTypeIsItsOwnAccessibleControl) {
  const std::string html = Render({}, {});
  EXPECT_THAT(html, Not(HasSubstr("[[")));
  // Rating: five radios in a fieldset, the first with the field's id, words for the ends.
  EXPECT_THAT(html, HasSubstr("<legend class=\"fieldset__legend fieldset__legend--m\">Overall, "
                              "how would you rate the event?</legend>"));
  EXPECT_THAT(html, HasSubstr("id=\"q-overall\" name=\"q-overall\" type=\"radio\" value=\"1\""));
  EXPECT_THAT(html, HasSubstr("id=\"q-overall-5\" name=\"q-overall\" type=\"radio\" value=\"5\""));
  EXPECT_THAT(html, HasSubstr("5: Very good"));
  EXPECT_THAT(html, HasSubstr("1 is very poor and 5 is very good."));
  // 0-10: eleven radios.
  EXPECT_THAT(html,
              HasSubstr("id=\"q-recommend-11\" name=\"q-recommend\" type=\"radio\" value=\"10\""));
  // Single choice with its comment box.
  EXPECT_THAT(html, HasSubstr("name=\"q-access_needs_met\" type=\"radio\" value=\"partly\""));
  EXPECT_THAT(html, HasSubstr("<textarea class=\"textarea\" id=\"q-access_needs_met-comment\" "
                              "name=\"q-access_needs_met-comment\""));
  // Free text: a labelled textarea with its limit in the hint it is described by.
  EXPECT_THAT(html, HasSubstr("<label class=\"label\" for=\"q-mattered_most\">What mattered most "
                              "to you? (optional)</label>"));
  EXPECT_THAT(html, HasSubstr("You can write up to 1000 characters."));
  EXPECT_THAT(html, HasSubstr("aria-describedby=\"q-mattered_most-hint\""));
  // Yes/no: two radios side by side.
  EXPECT_THAT(html,
              HasSubstr("<div class=\"radios radios--inline\">\n<div class=\"radios__item\">\n"
                        "<input class=\"radios__input\" id=\"q-help_shape\""));
  // Multiple choice: checkboxes.
  EXPECT_THAT(
      html,
      HasSubstr("id=\"q-formats-2\" name=\"q-formats\" type=\"checkbox\" value=\"captions\""));
  EXPECT_THAT(html, HasSubstr("Select all that apply."));
  EXPECT_THAT(html, HasSubstr("<input type=\"hidden\" name=\"csrf\" value=\"tok\">"));
}

TEST(SurveyFormTest, ErrorsShowInTheSummaryAndAtTheirQuestion) {
  const auto d = Survey();
  const auto answers = ReadSurveyAnswers(
      *Form::Parse("q-access_needs_met=yes&q-access_needs_met-comment=" + std::string(501, 'x')),
      d);
  const auto errors = CheckSurveyAnswers(English(), answers, d);
  ASSERT_EQ(errors.size(), 2u);
  const std::string html = Render(answers, errors);
  EXPECT_THAT(html, HasSubstr("<title>Error: Feedback"));
  EXPECT_THAT(html, HasSubstr("<a href=\"#q-overall\">Select an answer to &quot;Overall"));
  EXPECT_THAT(html, HasSubstr("<a href=\"#q-access_needs_met-comment\">What you wrote about"));
  EXPECT_THAT(html, HasSubstr("<p id=\"q-overall-error\" class=\"error-message\">"));
  EXPECT_THAT(html, HasSubstr("aria-describedby=\"q-overall-hint q-overall-error\""));
  EXPECT_THAT(html,
              HasSubstr("<p id=\"q-access_needs_met-comment-error\" class=\"error-message\">"));
  // The comment's error is shown once, at the comment, not at its question too.
  EXPECT_THAT(html, Not(HasSubstr("q-access_needs_met-error")));
  // What was given is kept.
  EXPECT_THAT(html, HasSubstr("value=\"yes\" checked"));
}

TEST(SurveyFormTest, EasyReadShowsThePlainWording) {
  const std::string html = Render({}, {}, /*easy_read=*/true);
  EXPECT_THAT(html, HasSubstr("What did you use?"));
  EXPECT_THAT(html, Not(HasSubstr("Which formats did you use?")));
  EXPECT_THAT(html, HasSubstr("<input type=\"hidden\" name=\"easy_read\" value=\"yes\">"));
}

}  // namespace
}  // namespace events::web
