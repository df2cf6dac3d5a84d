#include "services/feedback/rules/aggregates.h"

#include <functional>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/feedback/rules/survey_rules.h"

namespace events::feedback {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<events::v1::FeedbackAnswer> Answers(int overall, int recommend,
                                                const std::string& access,
                                                const std::string& text = "") {
  std::vector<events::v1::FeedbackAnswer> out(3);
  out[0].set_question_id("overall");
  out[0].set_number(overall);
  out[1].set_question_id("access_needs_met");
  out[1].add_choice_ids(access);
  out[1].set_comment(text);
  out[2].set_question_id("recommend");
  out[2].set_number(recommend);
  return out;
}

// Adds a contribution to aggregates, as the store does.
void Apply(std::map<std::string, int64_t>& agg, std::map<std::string, int64_t>& trend,
           std::map<std::string, std::vector<std::string>>& texts, const Contribution& c,
           const std::string& outcome) {
  for (const FieldDelta& d : c.event) agg[d.field] += d.delta;
  for (const FieldDelta& d : c.trend) trend[d.field] += d.delta;
  for (const auto& [q, t] : c.texts) texts[q].push_back(t);
  if (!c.access_choice.empty()) {
    agg["x:" + outcome + ":n"] += 1;
    agg["x:" + outcome + ":" + c.access_choice] += 1;
  }
}

TEST(AggregatesTest, ContributionOfDefaultAnswers) {
  Contribution c =
      ContributionOf(DefaultSurvey(), Answers(4, 9, "partly", "no captions"), "2026-03", "se_1");
  EXPECT_THAT(c.event, Contains(FieldDelta{"n", 1}));
  EXPECT_THAT(c.event, Contains(FieldDelta{"q:overall:v:4", 1}));
  EXPECT_THAT(c.event, Contains(FieldDelta{"q:recommend:v:9", 1}));
  EXPECT_THAT(c.event, Contains(FieldDelta{"q:access_needs_met:c:partly", 1}));
  EXPECT_THAT(c.event, Contains(FieldDelta{"q:access_needs_met:cm", 1}));
  EXPECT_THAT(c.trend, Contains(FieldDelta{"m:2026-03:r:4", 1}));
  EXPECT_THAT(c.trend, Contains(FieldDelta{"s:se_1:s:9", 1}));
  EXPECT_EQ(c.access_choice, "partly");
  ASSERT_EQ(c.texts.size(), 1u);
  EXPECT_EQ(c.texts[0].second, "no captions");
}

TEST(AggregatesTest, ReportFromAggregatesWithSuppression) {
  ReportInputs in;
  in.definition = DefaultSurvey();
  in.eligible = 10;
  std::map<std::string, int64_t> trend;
  // Six responses: ratings 5 5 4 4 3 1, recommend 10 9 9 8 6 0; five from people whose
  // request was fulfilled, one with no request.
  const int ratings[] = {5, 5, 4, 4, 3, 1};
  const int recommend[] = {10, 9, 9, 8, 6, 0};
  for (int i = 0; i < 6; ++i) {
    Apply(
        in.aggregates, trend, in.texts,
        ContributionOf(in.definition,
                       Answers(ratings[i], recommend[i], i < 4 ? "yes" : "no", i < 4 ? "fine" : ""),
                       "2026-03", ""),
        i < 5 ? "fulfilled" : "no_request");
  }
  events::v1::FeedbackReport r = BuildReport(in);
  EXPECT_EQ(r.response_count(), 6);
  EXPECT_DOUBLE_EQ(r.response_rate(), 0.6);
  const events::v1::QuestionReport& overall = r.questions(0);
  EXPECT_FALSE(overall.suppressed());
  EXPECT_NEAR(overall.mean(), 22.0 / 6.0, 1e-9);
  EXPECT_DOUBLE_EQ(overall.median(), 4.0);  // 1 3 4 4 5 5
  EXPECT_EQ(overall.distribution(4).value(), 5);
  EXPECT_EQ(overall.distribution(4).count(), 2);
  const events::v1::QuestionReport& rec = r.questions(3);
  // 3 promoters (10 9 9), 1 passive, 2 detractors: 50 - 33.3 = 16.67.
  EXPECT_NEAR(rec.nps().score(), 100.0 / 6.0, 1e-9);
  EXPECT_DOUBLE_EQ(rec.median(), 8.5);
  const events::v1::QuestionReport& access = r.questions(1);
  EXPECT_EQ(access.choices(0).count(), 4);
  // Four comments: fewer than five, so withheld.
  EXPECT_EQ(access.comment_count(), 4);
  EXPECT_EQ(access.texts_size(), 0);
  // The free-text question nobody answered, and help_shape: suppressed, no note.
  EXPECT_TRUE(r.questions(2).suppressed());
  // Five fulfilled and one with no request: the row of one is small, and showing the row of
  // five would give it away (6 answered - 5), so the whole breakdown is withheld.
  ASSERT_EQ(r.access_breakdown_size(), 4);
  EXPECT_EQ(r.access_breakdown(0).outcome(), "fulfilled");
  EXPECT_EQ(r.access_breakdown(3).outcome(), "no_request");
  for (const events::v1::AccessBreakdown& row : r.access_breakdown()) {
    EXPECT_TRUE(row.suppressed()) << row.outcome();
    EXPECT_EQ(row.people(), 0) << row.outcome();
    EXPECT_EQ(row.answers_size(), 0) << row.outcome();
  }
  // Withheld, without saying which outcome is the small one.
  EXPECT_THAT(r.notes(), Contains(HasSubstr("by accessibility outcome: withheld")));
  for (const std::string& note : r.notes()) EXPECT_THAT(note, Not(HasSubstr("no_request")));
  EXPECT_THAT(r.notes(), Contains(HasSubstr("fewer than 5 written answers")));

  // The same with a minimum of 7: everything but counts is withheld.
  in.min_group = 7;
  r = BuildReport(in);
  EXPECT_TRUE(r.questions(0).suppressed());
  EXPECT_EQ(r.questions(0).answered(), 6);
  EXPECT_EQ(r.questions(0).distribution_size(), 0);
  EXPECT_EQ(r.questions(0).mean(), 0);
  EXPECT_TRUE(r.access_breakdown(0).suppressed());

  // Trends from the same responses.
  events::v1::FeedbackTrends t = BuildTrends(trend, "", "", 5);
  ASSERT_EQ(t.months_size(), 1);
  EXPECT_EQ(t.months(0).key(), "2026-03");
  EXPECT_EQ(t.months(0).responses(), 6);
  EXPECT_NEAR(t.months(0).mean_rating(), 22.0 / 6.0, 1e-9);
  EXPECT_NEAR(t.months(0).nps(), 100.0 / 6.0, 1e-9);
  EXPECT_EQ(BuildTrends(trend, "2026-04", "", 5).months_size(), 0);
  EXPECT_TRUE(BuildTrends(trend, "", "", 7).months(0).suppressed());
}

TEST(AggregatesTest, TrendGroups) {
  EXPECT_EQ(TrendGroupOf("m:2026-03:n"), "m:2026-03:n");
  EXPECT_EQ(TrendGroupOf("m:2026-03:r:4"), "m:2026-03:r");
  EXPECT_EQ(TrendGroupOf("s:se_1:s:10"), "s:se_1:s");
}

// An event's question reaches the trends only when that question has the minimum group of
// answers in the event; the event's responses reaching it is not enough.
TEST(AggregatesTest, TrendsTakeOnlyQuestionsWithTheMinimumGroup) {
  std::map<std::string, int64_t> held = {
      {"m:2026-03:n", 5}, {"m:2026-03:r:1", 1}, {"m:2026-03:s:2", 1}, {"m:2026-03:s:9", 3}};
  const std::map<std::string, int64_t> released = ReleasedTrendFields(held, 5);
  EXPECT_EQ(released, (std::map<std::string, int64_t>{{"m:2026-03:n", 5}}));
  // The trends built from it show the responses and no rating or scale count at all.
  events::v1::FeedbackTrends t = BuildTrends(released, "", "", 5);
  ASSERT_EQ(t.months_size(), 1);
  EXPECT_EQ(t.months(0).responses(), 5);
  EXPECT_EQ(t.months(0).rating_count(), 0);
  EXPECT_EQ(t.months(0).recommend_count(), 0);

  // A fifth answer to the scale releases the whole scale group, and only it.
  held["m:2026-03:s:9"] = 4;
  EXPECT_EQ(ReleasedTrendFields(held, 5),
            (std::map<std::string, int64_t>{
                {"m:2026-03:n", 5}, {"m:2026-03:s:2", 1}, {"m:2026-03:s:9", 4}}));
  // Below the minimum of responses nothing is released; empty fields never are.
  EXPECT_TRUE(ReleasedTrendFields(held, 6).empty());
  EXPECT_TRUE(
      ReleasedTrendFields({{"m:2026-03:n", 5}, {"m:2026-03:r:3", 0}}, 5).count("m:2026-03:r:3") ==
      0);
}

// Every way of filling in the hidden rows' people counts that agrees with what the report
// shows: each hidden non-empty row must be able to take more than one value.
void ExpectNoHiddenRowDerivable(const ReportInputs& in, const events::v1::FeedbackReport& r) {
  int64_t answered = 0;
  for (const events::v1::QuestionReport& q : r.questions()) {
    if (q.role() == events::v1::QUESTION_ROLE_ACCESS_NEEDS_MET) answered = q.answered();
  }
  std::vector<int> hidden;
  int64_t rest = answered;
  for (int i = 0; i < r.access_breakdown_size(); ++i) {
    const events::v1::AccessBreakdown& row = r.access_breakdown(i);
    // Never a people count below the minimum (other than none).
    EXPECT_TRUE(row.people() == 0 || row.people() >= in.min_group) << row.outcome();
    if (row.suppressed()) {
      hidden.push_back(i);
    } else {
      rest -= row.people();
    }
  }
  std::vector<std::set<int64_t>> values(hidden.size());
  std::vector<int64_t> v(hidden.size(), 0);
  // Enumerate hidden counts in [0, rest] that add up to rest.
  std::function<void(size_t, int64_t)> fill = [&](size_t k, int64_t left) {
    if (k + 1 == hidden.size()) {
      v[k] = left;
      for (size_t j = 0; j < hidden.size(); ++j) values[j].insert(v[j]);
      return;
    }
    for (int64_t x = 0; x <= left; ++x) {
      v[k] = x;
      fill(k + 1, left - x);
    }
  };
  if (!hidden.empty()) fill(0, rest);
  for (size_t j = 0; j < hidden.size(); ++j) {
    const std::string outcome = r.access_breakdown(hidden[j]).outcome();
    const auto it = in.aggregates.find("x:" + outcome + ":n");
    if (it == in.aggregates.end() || it->second == 0) continue;
    EXPECT_GT(values[j].size(), 1u) << outcome << " can be derived from the rest";
  }
}

TEST(AggregatesTest, NoSuppressedBreakdownRowCanBeDerivedFromTheRest) {
  // Fulfilled 12, unfulfilled 2, pending 0, no_request 6; and other mixes.
  const std::vector<std::vector<int>> cases = {{12, 2, 0, 6}, {12, 2, 0, 0}, {5, 5, 0, 0},
                                               {9, 1, 1, 9},  {0, 3, 0, 0},  {7, 0, 0, 0}};
  for (const std::vector<int>& people : cases) {
    ReportInputs in;
    in.definition = DefaultSurvey();
    std::map<std::string, int64_t> trend;
    for (size_t o = 0; o < people.size(); ++o) {
      for (int i = 0; i < people[o]; ++i) {
        Apply(in.aggregates, trend, in.texts,
              ContributionOf(in.definition, Answers(4, 9, i % 2 ? "yes" : "no"), "2026-03", ""),
              AccessOutcomes()[o]);
      }
    }
    const events::v1::FeedbackReport r = BuildReport(in);
    SCOPED_TRACE(::testing::PrintToString(people));
    ExpectNoHiddenRowDerivable(in, r);
    bool small = false;
    for (int p : people) small = small || (p > 0 && p < 5);
    for (const events::v1::AccessBreakdown& row : r.access_breakdown()) {
      EXPECT_EQ(row.suppressed(), small) << row.outcome();
    }
  }
}

TEST(AggregatesTest, TextsAreSortedAndCommentCountsHiddenWhenSuppressed) {
  ReportInputs in;
  in.definition = DefaultSurvey();
  in.eligible = 4;
  for (const char* t : {"zebra crossing", "apples", "music", "quiet room", "braille"}) {
    in.aggregates["n"] += 1;
    in.aggregates["q:mattered_most:n"] += 1;
    in.texts["mattered_most"].push_back(t);
  }
  in.aggregates["q:access_needs_met:n"] = 2;
  in.aggregates["q:access_needs_met:cm"] = 2;
  events::v1::FeedbackReport r = BuildReport(in);
  ASSERT_EQ(r.questions(2).texts_size(), 5);
  EXPECT_THAT(r.questions(2).texts(),
              ::testing::ElementsAre("apples", "braille", "music", "quiet room", "zebra crossing"));
  EXPECT_TRUE(r.questions(1).suppressed());
  EXPECT_EQ(r.questions(1).comment_count(), 0);
  // Five responses from four invited (someone eligible later): the rate stops at 1.
  EXPECT_DOUBLE_EQ(r.response_rate(), 1.0);
}

TEST(AggregatesTest, FreeTextShownFromTheMinimumUp) {
  ReportInputs in;
  in.definition = DefaultSurvey();
  for (int i = 0; i < 5; ++i) {
    in.aggregates["n"] += 1;
    in.aggregates["q:mattered_most:n"] += 1;
    in.texts["mattered_most"].push_back("text " + std::to_string(i));
  }
  events::v1::FeedbackReport r = BuildReport(in);
  EXPECT_EQ(r.questions(2).texts_size(), 5);
  EXPECT_EQ(r.response_rate(), 0);  // nobody eligible: no rate rather than a division by zero
}

// A report once held every text: 600 answers of 2,000 emoji made 4.8 MB, more than a client
// accepts in one message. The numbers are always there; the texts are a sorted prefix, within
// the limits, with texts_total saying how many there are.
TEST(AggregatesTest, ReportTextsAreCappedToFitOneMessageButItsNumbersAreNot) {
  ReportInputs in;
  in.eligible = 60;
  // The worst case: 30 free-text questions, each with 60 texts of 8,000 bytes (14 MB in all).
  for (int q = 0; q < 30; ++q) {
    events::v1::SurveyQuestion* question = in.definition.add_questions();
    question->set_id("q" + std::to_string(q));
    question->set_type(events::v1::SURVEY_QUESTION_TYPE_FREE_TEXT);
    question->set_text(std::string(300, 'Q'));
    in.aggregates["q:q" + std::to_string(q) + ":n"] = 60;
    for (int i = 59; i >= 0; --i) {
      in.texts["q" + std::to_string(q)].push_back(std::to_string(100 + i) + std::string(7997, 'x'));
    }
  }
  in.aggregates["n"] = 60;
  events::v1::FeedbackReport r = BuildReport(in);
  EXPECT_LT(r.ByteSizeLong(), 4u << 20);
  EXPECT_GT(r.ByteSizeLong(), 1u << 20);
  ASSERT_EQ(r.questions_size(), 30);
  for (const events::v1::QuestionReport& q : r.questions()) {
    EXPECT_EQ(q.answered(), 60);
    EXPECT_FALSE(q.suppressed());
    EXPECT_EQ(q.texts_total(), 60);
    // 2 MiB / 30 questions = 69,905 bytes each: 8 texts of 8,000.
    ASSERT_EQ(q.texts_size(), 8) << q.question_id();
    for (int i = 0; i < 8; ++i) EXPECT_EQ(q.texts(i).substr(0, 3), std::to_string(100 + i));
  }
  EXPECT_EQ(r.notes_size(), 0);

  // One question's texts alone: the count is the limit.
  ReportInputs one = in;
  one.definition.mutable_questions()->DeleteSubrange(1, 29);
  one.text_limits->per_question = 3;
  r = BuildReport(one);
  ASSERT_EQ(r.questions(0).texts_size(), 3);
  EXPECT_EQ(r.questions(0).texts(2).substr(0, 3), "102");
  EXPECT_EQ(r.questions(0).texts_total(), 60);
  one.text_limits = TextLimits{};
  EXPECT_EQ(BuildReport(one).questions(0).texts_size(), kDefaultTextsPerQuestion);

  // No limits (the JSON export, which is streamed): every text.
  one.text_limits = std::nullopt;
  r = BuildReport(one);
  EXPECT_EQ(r.questions(0).texts_size(), 60);
  EXPECT_EQ(r.questions(0).texts_total(), 60);
}

TEST(AggregatesTest, TextsTotalIsZeroWhenTheTextsAreWithheld) {
  ReportInputs in;
  in.definition = DefaultSurvey();
  in.aggregates["n"] = 6;
  in.aggregates["q:mattered_most:n"] = 6;
  in.aggregates["q:access_needs_met:n"] = 6;
  in.aggregates["q:access_needs_met:cm"] = 4;
  for (int i = 0; i < 6; ++i) in.texts["mattered_most"].push_back("text");
  for (int i = 0; i < 4; ++i) in.texts["access_needs_met"].push_back("a comment");
  const events::v1::FeedbackReport r = BuildReport(in);
  EXPECT_EQ(r.questions(2).texts_total(), 6);
  EXPECT_EQ(r.questions(1).texts_size(), 0);
  EXPECT_EQ(r.questions(1).texts_total(), 0);
}

TEST(AggregatesTest, TextVisibilityFollowsTheQuestionAndTheWriters) {
  EXPECT_EQ(TextVisibilityOf(0, 0, 5), TextVisibility::kNone);
  // A suppressed question withholds its texts, even "none": the report shows nothing of it.
  EXPECT_EQ(TextVisibilityOf(4, 0, 5), TextVisibility::kWithheld);
  EXPECT_EQ(TextVisibilityOf(4, 4, 5), TextVisibility::kWithheld);
  EXPECT_EQ(TextVisibilityOf(9, 0, 5), TextVisibility::kNone);
  EXPECT_EQ(TextVisibilityOf(9, 4, 5), TextVisibility::kWithheld);
  EXPECT_EQ(TextVisibilityOf(9, 5, 5), TextVisibility::kShown);
}

}  // namespace
}  // namespace events::feedback
