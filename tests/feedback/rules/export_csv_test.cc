#include "services/feedback/rules/export_csv.h"

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/feedback/rules/survey_rules.h"

namespace events::feedback {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kJan15 = 1768478400000;  // 2026-01-15
constexpr int64_t kDay = 86400000;

events::v1::FeedbackAnswer Number(const std::string& q, int n) {
  events::v1::FeedbackAnswer a;
  a.set_question_id(q);
  a.set_number(n);
  return a;
}
events::v1::FeedbackAnswer Choice(const std::string& q, const std::string& c,
                                  const std::string& comment = "") {
  events::v1::FeedbackAnswer a;
  a.set_question_id(q);
  a.add_choice_ids(c);
  a.set_comment(comment);
  return a;
}
events::v1::FeedbackAnswer Text(const std::string& q, const std::string& t) {
  events::v1::FeedbackAnswer a;
  a.set_question_id(q);
  a.set_text(t);
  return a;
}
ExportRow Row(int64_t at, std::vector<events::v1::FeedbackAnswer> answers) {
  return ExportRow{std::move(answers), at};
}

TEST(ExportCsvTest, RefusedBelowTheMinimumGroup) {
  std::vector<ExportRow> rows;
  rows.reserve(4);
  for (int i = 0; i < 4; ++i) rows.push_back(Row(kJan15, {Number("overall", 4)}));
  auto csv = ResponsesCsv(DefaultSurvey(), rows, 5);
  EXPECT_EQ(csv.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(csv.status().message(), HasSubstr("at least 5"));
  rows.push_back(Row(kJan15, {Number("overall", 4)}));
  EXPECT_TRUE(ResponsesCsv(DefaultSurvey(), rows, 5).ok());
}

TEST(ExportCsvTest, RowsAreInContentOrderNotSubmissionOrder) {
  // Submitted in the order 5, 2, 4, 1, 3 (each a day later): the rows must not follow it.
  const int overall[] = {5, 2, 4, 1, 3};
  std::vector<ExportRow> rows;
  rows.reserve(5);
  for (int i = 0; i < 5; ++i) {
    rows.push_back(Row(kJan15 + (4 - i) * kDay, {Number("overall", overall[i]),
                                                 Text("mattered_most", i == 1 ? "=SUM(A1)" : "ok"),
                                                 Choice("help_shape", "yes")}));
  }
  auto csv = ResponsesCsv(DefaultSurvey(), rows, 5);
  ASSERT_TRUE(csv.ok()) << csv.status();
  // access_needs_met has no comment column (never exported).
  EXPECT_EQ(*csv,
            "response,submitted_on,overall,access_needs_met,mattered_most,recommend,help_shape\r\n"
            "1,2026-01-16,1,,ok,,yes\r\n"
            "2,2026-01-18,2,,'=SUM(A1),,yes\r\n"
            "3,2026-01-15,3,,ok,,yes\r\n"
            "4,2026-01-17,4,,ok,,yes\r\n"
            "5,2026-01-19,5,,ok,,yes\r\n");
}

TEST(ExportCsvTest, FormulaGuardIsTheSharedRule) {
  // The rule every export applies (StartsLikeAFormula): a fullwidth '=', an invisible or
  // non-ASCII space before the sign, or a leading tab still run as a formula, so each gets
  // the apostrophe (found by fuzz/fuzz_csv_export; the cells were written bare).
  const std::vector<std::string> texts = {"\uff1d1+1", "\u200b=HYPERLINK(1)", "\u00a0+1", "\t-1",
                                          "@SUM(A1)"};
  std::vector<ExportRow> rows;
  rows.reserve(texts.size());
  for (const std::string& t : texts) rows.push_back(Row(kJan15, {Text("mattered_most", t)}));
  auto csv = ResponsesCsv(DefaultSurvey(), rows, 5);
  ASSERT_TRUE(csv.ok()) << csv.status();
  for (const std::string& t : texts) EXPECT_THAT(*csv, HasSubstr("'" + t)) << t;
}

TEST(ExportCsvTest, SmallQuestionsAndFewWritersAreBlankAndAccessCommentsNeverExported) {
  events::v1::SurveyDefinition def = DefaultSurvey();
  // A choice question with comments other than ACCESS_NEEDS_MET.
  events::v1::SurveyQuestion* venue = def.add_questions();
  venue->set_id("venue");
  venue->set_type(events::v1::SURVEY_QUESTION_TYPE_SINGLE_CHOICE);
  venue->set_text("Venue?");
  venue->set_allow_comment(true);
  venue->add_choices()->set_id("good");
  venue->add_choices()->set_id("bad");
  std::vector<ExportRow> rows;
  for (int i = 0; i < 6; ++i) {
    std::vector<events::v1::FeedbackAnswer> a = {
        Number("overall", 4),
        // Every person commented on access needs: still never exported.
        Choice("access_needs_met", "partly", "wheelchair ramp " + std::to_string(i)),
        // Six answered venue, only two commented: the comment column stays blank.
        Choice("venue", "good", i < 2 ? "cold room" : "")};
    // Two people wrote free text: blank. Three answered recommend: blank.
    if (i < 2) a.push_back(Text("mattered_most", "my words"));
    if (i < 3) a.push_back(Number("recommend", 9));
    rows.push_back(Row(kJan15, a));
  }
  auto csv = ResponsesCsv(def, rows, 5);
  ASSERT_TRUE(csv.ok()) << csv.status();
  EXPECT_EQ(csv->find("wheelchair"), std::string::npos);
  EXPECT_EQ(csv->find("my words"), std::string::npos);
  EXPECT_EQ(csv->find("cold room"), std::string::npos);
  EXPECT_EQ(csv->find(",9"), std::string::npos);
  std::vector<std::string> lines = absl::StrSplit(*csv, "\r\n", absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_EQ(lines[0],
            "response,submitted_on,overall,access_needs_met,mattered_most,recommend,help_shape,"
            "venue,venue_comment");
  for (size_t i = 1; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i], std::to_string(i) + ",2026-01-15,4,partly,,,,good,");
  }
  // With five commenters the venue comments are shown.
  for (int i = 2; i < 5; ++i) rows[i].answers[2].set_comment("warm");
  csv = ResponsesCsv(def, rows, 5);
  ASSERT_TRUE(csv.ok());
  EXPECT_THAT(*csv, HasSubstr("good,warm"));
  EXPECT_THAT(*csv, HasSubstr("good,cold room"));
}

}  // namespace
}  // namespace events::feedback
