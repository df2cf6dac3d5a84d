// The console's feedback pages, their pure parts: the survey builder's edits (every question
// type, each field's check, ids, moving and removing) and the report's charts (which bars,
// in which words, and how withheld groups are drawn, the access breakdown's secondary
// suppression included).
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/feedback/rules/survey_rules.h"
#include "services/web/console/feedback_charts.h"
#include "services/web/console/survey_edits.h"
#include "services/web/view/embedded.h"

namespace events::web::console {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

Catalogue English() { return *Catalogue::Parse(*EmbeddedText("messages/en-GB.txt"), "en-GB"); }

Form Posted(const std::string& body) { return *Form::Parse(body); }

std::vector<std::string> Fields(const std::vector<FieldError>& errors) {
  std::vector<std::string> out;
  out.reserve(errors.size());
  for (const auto& e : errors) out.push_back(e.field);
  return out;
}

TEST(SurveyIdFromTest, MakesLowerSnakeIdsFromWordsAndAvoidsTakenOnes) {
  EXPECT_EQ(SurveyIdFrom("Live captions!", {}), "live_captions");
  EXPECT_EQ(SurveyIdFrom("Live captions", {"live_captions"}), "live_captions_2");
  EXPECT_EQ(SurveyIdFrom("Live captions", {"live_captions", "live_captions_2"}), "live_captions_3");
  EXPECT_EQ(SurveyIdFrom("¿?", {}), "q");
  const std::string long_id = SurveyIdFrom(std::string(200, 'a'), {});
  EXPECT_LE(long_id.size(), 32U);
}

TEST(AddSurveyQuestionTest, AddsEveryTypeTheServiceHasAndTheResultIsAValidSurvey) {
  const Catalogue en = English();
  events::v1::SurveyDefinition d = events::feedback::DefaultSurvey();
  const int before = d.questions_size();
  for (const std::string body :
       {"question_type=rating&question_text=How+was+the+venue%3F&question_required=yes",
        "question_type=scale&question_text=Would+you+come+again%3F",
        "question_type=single&question_text=Which+room%3F&question_choices=Blue%0D%0AGreen",
        "question_type=multiple&question_text=What+helped%3F&question_choices=Live+captions%0A%"
        "0ABreaks%0ASlides"
        "&question_comment=yes",
        "question_type=text&question_text=Anything+else%3F&question_max=800&question_plain=Tell+us+"
        "more"}) {
    std::vector<FieldError> errors;
    AddSurveyQuestion(en, Posted(body), &d, &errors);
    EXPECT_THAT(errors, IsEmpty()) << body;
  }
  ASSERT_EQ(d.questions_size(), before + 5);
  const auto& rating = d.questions(before);
  EXPECT_EQ(rating.id(), "how_was_the_venue");
  EXPECT_EQ(rating.type(), events::v1::SURVEY_QUESTION_TYPE_RATING);
  EXPECT_TRUE(rating.required());
  EXPECT_EQ(d.questions(before + 1).type(), events::v1::SURVEY_QUESTION_TYPE_SCALE_0_10);
  const auto& multiple = d.questions(before + 3);
  EXPECT_EQ(multiple.type(), events::v1::SURVEY_QUESTION_TYPE_MULTIPLE_CHOICE);
  ASSERT_THAT(multiple.choices(), SizeIs(3));  // the empty line is no choice
  EXPECT_EQ(multiple.choices(0).id(), "live_captions");
  EXPECT_EQ(multiple.choices(0).text(), "Live captions");
  EXPECT_TRUE(multiple.allow_comment());
  const auto& text = d.questions(before + 4);
  EXPECT_EQ(text.max_length(), 800);
  EXPECT_EQ(text.plain_text(), "Tell us more");
  EXPECT_TRUE(events::feedback::ValidateDefinition(d).ok());
}

TEST(AddSurveyQuestionTest, EachBadFieldIsNamedWithItsRule) {
  const Catalogue en = English();
  const auto check = [&en](const std::string& body) {
    events::v1::SurveyDefinition d = events::feedback::DefaultSurvey();
    const int before = d.questions_size();
    std::vector<FieldError> errors;
    AddSurveyQuestion(en, Posted(body), &d, &errors);
    EXPECT_EQ(d.questions_size(), before) << "nothing is added when a field is wrong: " << body;
    return errors;
  };
  auto errors = check("question_text=");
  EXPECT_THAT(Fields(errors), ElementsAre("question_type-rating", "question_text"));
  EXPECT_EQ(errors[0].message, "Choose the type of question");
  EXPECT_EQ(errors[1].message, "Enter the question");
  errors = check("question_type=single&question_text=Which%3F&question_choices=Only+one");
  EXPECT_THAT(Fields(errors), ElementsAre("question_choices"));
  EXPECT_EQ(errors[0].message, "Enter from 2 to 12 choices, one on each line (there are 1)");
  errors = check("question_type=multiple&question_text=Which%3F&question_choices=A%0AA");
  EXPECT_THAT(errors[0].message, HasSubstr("Each choice must be different"));
  errors = check("question_type=text&question_text=Tell+us&question_max=2001");
  EXPECT_THAT(Fields(errors), ElementsAre("question_max"));
  EXPECT_EQ(errors[0].message, "The longest written answer must be a whole number from 1 to 2000");
  errors = check("question_type=rating&question_text=" + std::string(301, 'x'));
  EXPECT_THAT(Fields(errors), ElementsAre("question_text"));
  EXPECT_THAT(errors[0].message, HasSubstr("300 characters or fewer"));
  errors =
      check("question_type=rating&question_text=Rate+it&question_help=" + std::string(501, 'h'));
  EXPECT_THAT(Fields(errors), ElementsAre("question_help"));
  // A right-to-left override (U+202E) passes the plain text check; the service's rule is
  // applied before sending, at the field.
  errors = check("question_type=rating&question_text=Rate+%E2%80%AEit");
  EXPECT_THAT(Fields(errors), ElementsAre("question_text"));
  EXPECT_THAT(errors[0].message, HasSubstr("change the direction of text"));
}

TEST(AddSurveyQuestionTest, ThirtyQuestionsAreTheMost) {
  const Catalogue en = English();
  events::v1::SurveyDefinition d;
  std::vector<FieldError> errors;
  for (int i = 0; i < 30; ++i) {
    AddSurveyQuestion(en, Posted("question_type=rating&question_text=Rate+it"), &d, &errors);
  }
  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(d.questions(29).id(), "rate_it_30");
  AddSurveyQuestion(en, Posted("question_type=rating&question_text=Rate+it"), &d, &errors);
  EXPECT_THAT(Fields(errors), ElementsAre("question_text"));
  EXPECT_EQ(d.questions_size(), 30);
}

TEST(ApplySurveySettingsTest, ReadsAnonymityAndTheDaysOpen) {
  const Catalogue en = English();
  events::v1::SurveyDefinition d;
  std::vector<FieldError> errors;
  ApplySurveySettings(en, Posted("anonymous=yes&window_days=30"), &d, &errors);
  EXPECT_THAT(errors, IsEmpty());
  EXPECT_TRUE(d.anonymous());
  EXPECT_EQ(d.window_days(), 30);
  ApplySurveySettings(en, Posted("window_days="), &d, &errors);
  EXPECT_FALSE(d.anonymous());
  EXPECT_EQ(d.window_days(), 0);  // the service's default
  for (const char* bad : {"window_days=91", "window_days=0", "window_days=two"}) {
    errors.clear();
    ApplySurveySettings(en, Posted(bad), &d, &errors);
    EXPECT_THAT(Fields(errors), ElementsAre("window_days")) << bad;
    EXPECT_EQ(errors[0].message,
              "The days the survey stays open must be a whole number from 1 to 90");
  }
}

TEST(MoveAndRemoveTest, MoveOnePlaceAndRemoveByIdOnly) {
  events::v1::SurveyDefinition d = events::feedback::DefaultSurvey();
  const auto ids = [&d] {
    std::vector<std::string> out;
    for (const auto& q : d.questions()) out.push_back(q.id());
    return out;
  };
  EXPECT_TRUE(MoveSurveyQuestion(&d, "recommend", -1));
  EXPECT_THAT(ids(), ElementsAre("overall", "access_needs_met", "recommend", "mattered_most",
                                 "help_shape"));
  EXPECT_FALSE(MoveSurveyQuestion(&d, "overall", -1));
  EXPECT_FALSE(MoveSurveyQuestion(&d, "help_shape", 1));
  EXPECT_FALSE(MoveSurveyQuestion(&d, "nothing", 1));
  EXPECT_TRUE(MoveSurveyQuestion(&d, "overall", 1));
  EXPECT_THAT(ids(), ElementsAre("access_needs_met", "overall", "recommend", "mattered_most",
                                 "help_shape"));
  EXPECT_TRUE(RemoveSurveyQuestion(&d, "recommend"));
  EXPECT_FALSE(RemoveSurveyQuestion(&d, "recommend"));
  EXPECT_THAT(ids(), ElementsAre("access_needs_met", "overall", "mattered_most", "help_shape"));
}

events::v1::QuestionReport Rating(bool suppressed) {
  events::v1::QuestionReport q;
  q.set_question_id("overall");
  q.set_type(events::v1::SURVEY_QUESTION_TYPE_RATING);
  q.set_text("Overall, how would you rate the event?");
  q.set_answered(suppressed ? 3 : 7);
  q.set_suppressed(suppressed);
  if (!suppressed) {
    for (auto [v, n] : {std::pair{4, 3}, std::pair{5, 4}}) {
      auto* d = q.add_distribution();
      d->set_value(v);
      d->set_count(n);
    }
  }
  return q;
}

TEST(QuestionChartTest, RatingsHaveFiveLabelledBarsAndTheSentenceSaysWhatMostChose) {
  const auto input = QuestionChart(English(), Rating(false), 5, 1);
  ASSERT_TRUE(input.has_value());
  EXPECT_EQ(input->id, "chart-1");
  ASSERT_THAT(input->bars, SizeIs(5));
  EXPECT_EQ(input->bars[0].label, "Very poor (1)");
  EXPECT_EQ(input->bars[0].count, 0);
  EXPECT_EQ(input->bars[4].label, "Very good (5)");
  EXPECT_EQ(input->bars[4].count, 4);
  const auto chart = RenderBarChart(*input);
  ASSERT_TRUE(chart.ok()) << chart.status();
  EXPECT_EQ(chart->summary, "Most people (4 of 7) rated it Very good (5).");
}

TEST(QuestionChartTest, ASuppressedQuestionIsOneWithheldBarWithNoCount) {
  const auto input = QuestionChart(English(), Rating(true), 5, 2);
  ASSERT_TRUE(input.has_value());
  ASSERT_THAT(input->bars, SizeIs(1));
  EXPECT_TRUE(input->bars[0].withheld);
  const auto chart = RenderBarChart(*input);
  ASSERT_TRUE(chart.ok());
  EXPECT_EQ(chart->summary, "Fewer than 5 answers: not shown, so nobody can be identified.");
  EXPECT_THAT(chart->svg, Not(HasSubstr(">3<")));
}

TEST(QuestionChartTest, MultipleChoiceCountsTicksAndFreeTextHasNoChart) {
  events::v1::QuestionReport q;
  q.set_type(events::v1::SURVEY_QUESTION_TYPE_MULTIPLE_CHOICE);
  q.set_text("What helped?");
  q.set_answered(6);
  for (auto [id, n] : {std::pair{"captions", 5}, std::pair{"breaks", 2}}) {
    auto* c = q.add_choices();
    c->set_choice_id(id);
    c->set_text(std::string("Live ") + id);
    c->set_count(n);
  }
  const auto input = QuestionChart(English(), q, 5, 3);
  ASSERT_TRUE(input.has_value());
  const auto chart = RenderBarChart(*input);
  ASSERT_TRUE(chart.ok());
  EXPECT_EQ(chart->summary, "Most ticks (5 of 7) went to Live captions.");
  q.set_type(events::v1::SURVEY_QUESTION_TYPE_FREE_TEXT);
  EXPECT_FALSE(QuestionChart(English(), q, 5, 4).has_value());
}

TEST(AccessChartTest, SecondarySuppressionIsOneWithheldBarForTheWholeBreakdown) {
  events::v1::FeedbackReport report;
  report.set_min_group(5);
  for (const char* outcome : {"fulfilled", "unfulfilled", "pending", "no_request"}) {
    auto* row = report.add_access_breakdown();
    row->set_outcome(outcome);
    row->set_suppressed(true);
  }
  auto input = AccessChart(English(), report);
  ASSERT_TRUE(input.has_value());
  ASSERT_THAT(input->bars, SizeIs(1)) << "never a bar per row, each claiming to be small";
  EXPECT_TRUE(input->bars[0].withheld);
  EXPECT_EQ(input->bars[0].label, "Every group");

  for (auto& row : *report.mutable_access_breakdown()) {
    row.set_suppressed(false);
    row.set_people(row.outcome() == "no_request" ? 7 : 0);
  }
  input = AccessChart(English(), report);
  ASSERT_TRUE(input.has_value());
  ASSERT_THAT(input->bars, SizeIs(4));
  EXPECT_EQ(input->bars[3].label, "No access request");
  EXPECT_EQ(input->bars[3].count, 7);
  const auto chart = RenderBarChart(*input);
  ASSERT_TRUE(chart.ok());
  EXPECT_EQ(chart->summary, "All 7 people had No access request.");

  report.clear_access_breakdown();
  EXPECT_FALSE(AccessChart(English(), report).has_value());
}

}  // namespace
}  // namespace events::web::console
