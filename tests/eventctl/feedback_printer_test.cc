#include "tools/eventctl/feedback_printer.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace events::eventctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

events::v1::SurveyDefinition Definition() {
  events::v1::SurveyDefinition d;
  auto* overall = d.add_questions();
  overall->set_id("overall");
  overall->set_type(events::v1::SURVEY_QUESTION_TYPE_RATING);
  overall->set_text("Overall, how would you rate the event?");
  overall->set_plain_text("How good was it?");
  overall->set_required(true);
  auto* met = d.add_questions();
  met->set_id("access_needs_met");
  met->set_type(events::v1::SURVEY_QUESTION_TYPE_SINGLE_CHOICE);
  met->set_text("Were your access needs met?");
  met->set_allow_comment(true);
  for (const char* id : {"yes", "partly"}) {
    auto* c = met->add_choices();
    c->set_id(id);
    c->set_text(id);
  }
  auto* formats = d.add_questions();
  formats->set_id("formats");
  formats->set_type(events::v1::SURVEY_QUESTION_TYPE_MULTIPLE_CHOICE);
  formats->set_text("Formats");
  auto* said = d.add_questions();
  said->set_id("said");
  said->set_type(events::v1::SURVEY_QUESTION_TYPE_FREE_TEXT);
  said->set_text("Anything else?");
  return d;
}

TEST(FeedbackPrinterTest, ParsesAnswersByQuestionType) {
  auto parsed = ParseAnswers(Definition(),
                             {"overall=4", "access_needs_met=partly", "formats=online,hybrid",
                              "said=Loved it, thanks = really"},
                             {"access_needs_met=The loop failed"});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 4u);
  EXPECT_EQ((*parsed)[0].number(), 4);
  EXPECT_EQ((*parsed)[1].choice_ids(0), "partly");
  EXPECT_EQ((*parsed)[1].comment(), "The loop failed");
  EXPECT_EQ((*parsed)[2].choice_ids_size(), 2);
  EXPECT_EQ((*parsed)[3].text(), "Loved it, thanks = really");
  EXPECT_THAT(ParseAnswers(Definition(), {"overall=great"}, {}).status().message(),
              HasSubstr("overall takes a number"));
  EXPECT_THAT(ParseAnswers(Definition(), {"nope=1"}, {}).status().message(),
              HasSubstr("no question nope"));
  EXPECT_THAT(ParseAnswers(Definition(), {"overall"}, {}).status().message(),
              HasSubstr("QUESTION=VALUE"));
}

TEST(FeedbackPrinterTest, DescribesSurveysInEitherWording) {
  events::v1::Survey s;
  s.set_event_id("ev_1");
  s.set_state(events::v1::SURVEY_STATE_OPEN);
  s.set_opens_unix_ms(1768478400000);
  *s.mutable_definition() = Definition();
  const std::string text = DescribeSurvey(s);
  EXPECT_THAT(text, HasSubstr("Survey for ev_1: open"));
  EXPECT_THAT(text, HasSubstr("opens  2026-01-15 12:00 UTC"));
  EXPECT_THAT(text, HasSubstr("1. Overall, how would you rate the event?"));
  EXPECT_THAT(text, HasSubstr("[overall, rating 1-5, required]"));
  EXPECT_THAT(text, HasSubstr("comment welcome"));
  EXPECT_THAT(DescribeSurvey(s, true), HasSubstr("1. How good was it?"));
}

// The window of a London event was shown in UTC while its start was shown in London time.
TEST(FeedbackPrinterTest, SurveyWindowIsShownInTheEventsZone) {
  events::v1::Survey s;
  s.set_event_id("ev_1");
  s.set_state(events::v1::SURVEY_STATE_SCHEDULED);
  s.set_opens_unix_ms(1783072800000);   // 2026-07-03T10:00Z
  s.set_closes_unix_ms(1783677600000);  // 2026-07-10T10:00Z
  const std::string text = DescribeSurvey(s, false, "Europe/London");
  EXPECT_THAT(text, HasSubstr("opens  2026-07-03 11:00 Europe/London"));
  EXPECT_THAT(text, HasSubstr("closes 2026-07-10 11:00 Europe/London"));
}

TEST(FeedbackPrinterTest, ReportShowsWhatIsThereAndSaysWhatIsWithheld) {
  events::v1::FeedbackReport r;
  r.set_event_id("ev_1");
  r.set_state(events::v1::SURVEY_STATE_CLOSED);
  r.set_response_count(6);
  r.set_eligible_count(8);
  r.set_response_rate(0.75);
  r.set_min_group(5);
  auto* q = r.add_questions();
  q->set_question_id("recommend");
  q->set_text("Would you recommend it?");
  q->set_answered(6);
  q->set_mean(7.5);
  q->set_median(8.5);
  q->mutable_nps()->set_score(100.0 / 6.0);
  auto* v = q->add_distribution();
  v->set_value(10);
  v->set_count(3);
  auto* hidden = r.add_questions();
  hidden->set_question_id("said");
  hidden->set_text("Anything else?");
  hidden->set_answered(2);
  hidden->set_suppressed(true);
  auto* row = r.add_access_breakdown();
  row->set_outcome("unfulfilled");
  row->set_suppressed(true);
  // A small row from a server that does not withhold it: still no number below the minimum.
  auto* small = r.add_access_breakdown();
  small->set_outcome("pending");
  small->set_people(2);
  r.add_notes("question said: answered by fewer than 5 people, so its results are not shown");
  const std::string text = DescribeReport(r);
  EXPECT_THAT(text, HasSubstr("responses 6 of 8 invited (75%)"));
  EXPECT_THAT(text, HasSubstr("mean 7.50, median 8.5, NPS +17"));
  EXPECT_THAT(text, HasSubstr(" 10     3 ##########"));
  EXPECT_THAT(text, HasSubstr("answered by 2 (too few to show)"));
  EXPECT_THAT(text, HasSubstr("unfulfilled  withheld"));
  EXPECT_THAT(text, HasSubstr("pending      fewer than 5 people"));
  EXPECT_THAT(text, Not(HasSubstr("2 people")));
  EXPECT_THAT(text, HasSubstr("Not shown, so that nobody can be recognised"));
}

TEST(FeedbackPrinterTest, TrendsTableHidesSmallGroups) {
  events::v1::FeedbackTrends t;
  t.set_min_group(5);
  auto* m = t.add_months();
  m->set_key("2026-01");
  m->set_responses(12);
  m->set_rating_count(12);
  m->set_mean_rating(4.25);
  m->set_recommend_count(3);
  auto* s = t.add_series();
  s->set_key("se_1");
  s->set_responses(2);
  s->set_suppressed(true);
  const std::string text = TrendsTable(t);
  EXPECT_THAT(text, HasSubstr("2026-01"));
  EXPECT_THAT(text, HasSubstr("4.25"));
  EXPECT_THAT(text, HasSubstr("se_1"));
  EXPECT_THAT(text, Not(HasSubstr("nan")));
  EXPECT_EQ(TrendsTable({}), "No feedback yet.\n");
}

// The report shows the first texts of a question: it says how many more there are and how to
// read them.
TEST(FeedbackPrinterTest, ReportSaysHowManyTextsAreNotShownAndHowToSeeThem) {
  events::v1::FeedbackReport r;
  r.set_event_id("ev_1");
  r.set_min_group(5);
  events::v1::QuestionReport* q = r.add_questions();
  q->set_question_id("said");
  q->set_text("Anything else?");
  q->set_answered(600);
  q->add_texts("Loved it\nthanks");
  q->add_texts("More breaks");
  q->set_texts_total(600);
  const std::string text = DescribeReport(r);
  EXPECT_THAT(text, HasSubstr("  - Loved it\n    thanks\n  - More breaks\n"));
  EXPECT_THAT(text, HasSubstr("(2 of 600 texts shown; all of them: eventctl feedback texts ev_1 "
                              "--question said --all)"));
  q->set_texts_total(2);
  EXPECT_THAT(DescribeReport(r), Not(HasSubstr("texts shown")));
}

}  // namespace
}  // namespace events::eventctl
