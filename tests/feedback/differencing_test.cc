// Anonymous surveys against differencing: an organiser who reads the report, the export and
// the trends after every answer (the attack of issue 13) never sees them change by fewer
// than the minimum group of answers, and cannot narrow who may answer to one person.
#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/feedback/domain/anonymous_batches.h"
#include "services/feedback/rules/survey_rules.h"
#include "tests/feedback/feedback_test_support.h"

namespace events::feedback {
namespace {

using ::testing::HasSubstr;
using testing::kHour;
using testing::kNow;
using testing::Number;
using testing::Text;

constexpr int kMinGroup = 5;

// Everything the organiser can read about one event and its organisation, as numbers: the
// report's figures per question, the export's rows and the month's trend.
struct Published {
  int64_t responses = 0;
  std::map<std::string, double> figures;
  std::vector<std::string> rows;
  int64_t trend_responses = 0;
  int64_t trend_ratings = 0;
  double trend_mean = 0;

  bool operator==(const Published& o) const {
    return responses == o.responses && figures == o.figures && rows == o.rows &&
           trend_responses == o.trend_responses && trend_ratings == o.trend_ratings &&
           trend_mean == o.trend_mean;
  }
};

class DifferencingTest : public testing::FeedbackTest {
 protected:
  void MakeAnonymous(const std::string& event_id) {
    events::v1::UpdateSurveyRequest req;
    req.set_event_id(event_id);
    *req.mutable_definition() = DefaultSurvey();
    req.mutable_definition()->set_anonymous(true);
    auto updated = feedback_->UpdateSurvey("org_riverside", req);
    ASSERT_TRUE(updated.ok()) << updated.status();
  }

  Published Read(const std::string& event_id) {
    Published p;
    auto report = feedback_->Report("org_riverside", event_id);
    EXPECT_TRUE(report.ok()) << report.status();
    if (!report.ok()) return p;
    p.responses = report->response_count();
    for (const auto& q : report->questions()) {
      p.figures[q.question_id() + " answered"] = static_cast<double>(q.answered());
      p.figures[q.question_id() + " mean"] = q.mean();
      p.figures[q.question_id() + " nps"] = q.nps().score();
      for (const auto& v : q.distribution()) {
        p.figures[q.question_id() + " =" + std::to_string(v.value())] =
            static_cast<double>(v.count());
      }
      for (const auto& c : q.choices()) {
        p.figures[q.question_id() + " " + c.choice_id()] = static_cast<double>(c.count());
      }
      p.figures[q.question_id() + " texts"] = static_cast<double>(q.texts_size());
    }
    auto rows = store_->ReadResponses(event_id);
    EXPECT_TRUE(rows.ok()) << rows.status();
    for (const ExportRow& row : *rows) {
      std::string line;
      for (const auto& a : row.answers) line += a.ShortDebugString();
      p.rows.push_back(line);
    }
    std::sort(p.rows.begin(), p.rows.end());
    auto trends = feedback_->Trends("org_riverside", {});
    EXPECT_TRUE(trends.ok()) << trends.status();
    if (trends.ok() && trends->months_size() == 1) {
      p.trend_responses = trends->months(0).responses();
      p.trend_ratings = trends->months(0).rating_count();
      p.trend_mean = trends->months(0).mean_rating();
    }
    return p;
  }
};

// n = 1 to 20 answers, each followed by a full read. Whenever anything the organiser can read
// changes, at least the minimum group of new answers came in with it, so the difference of
// two reads is a sum over at least five people (and the fifth-person rating of 1 below, the
// only 1 anyone gives, is never readable on its own). After closing, everything is in.
TEST_F(DifferencingTest, ReportExportAndTrendsChangeOnlyInGroups) {
  MakeAnonymous(event_);
  std::vector<std::string> tokens;
  tokens.reserve(20);
  for (int i = 0; i < 20; ++i) tokens.push_back(Register(event_));
  OpenAt(kNow + kHour);
  Published before = Read(event_);
  EXPECT_EQ(before.responses, 0);
  std::vector<int64_t> steps;
  for (int n = 1; n <= 20; ++n) {
    const int rating = n == 6 ? 1 : 4 + n % 2;
    auto done = Answer(tokens[n - 1], {Number("overall", rating), Number("recommend", 9),
                                       Text("mattered_most", "Answer " + std::to_string(n))});
    ASSERT_TRUE(done.ok()) << done.status();
    const Published now = Read(event_);
    if (now == before) continue;
    const int64_t added = now.responses - before.responses;
    EXPECT_GE(added, kMinGroup) << "after answer " << n << " the figures changed by " << added
                                << " answers";
    EXPECT_EQ(static_cast<int64_t>(now.rows.size() - before.rows.size()), added) << n;
    EXPECT_TRUE(now.trend_responses == before.trend_responses ||
                now.trend_responses - before.trend_responses >= kMinGroup)
        << n;
    steps.push_back(added);
    before = now;
  }
  // Released while open at 10, 15 and 20 held-or-given answers; five stay held.
  EXPECT_THAT(steps, ::testing::ElementsAre(5, 5, 5));
  auto survey = store_->Get(event_);
  ASSERT_TRUE(survey.ok());
  EXPECT_EQ(survey->held, kMinGroup);
  auto report = feedback_->Report("org_riverside", event_);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->answers_held(), kMinGroup);
  EXPECT_THAT(report->notes(), ::testing::Contains(HasSubstr("not in these figures yet")));

  CloseAndRelease(event_);
  const Published last = Read(event_);
  EXPECT_EQ(last.responses - before.responses, kMinGroup);
  EXPECT_EQ(last.responses, 20);
  EXPECT_EQ(last.rows.size(), 20u);
  EXPECT_EQ(last.figures.at("overall =1"), 1);
  EXPECT_EQ(last.trend_responses, 20);
}

// The attendance trick: after five answers, the organiser marks only X as attended, which
// used to make attendance "tracked" so that nobody else could answer, and the next change in
// the report was X's. Who may answer is now fixed when the survey opens: everyone else still
// may, and X's answer is held with the others.
TEST_F(DifferencingTest, MarkingAttendanceAfterOpeningNarrowsNobody) {
  MakeAnonymous(event_);
  std::vector<std::string> tokens;
  tokens.reserve(8);
  for (int i = 0; i < 8; ++i) tokens.push_back(Register(event_));
  OpenAt(kNow + kHour);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Answer(tokens[i], {Number("overall", 4)}).ok());
  const std::string x = tokens[5];
  ASSERT_TRUE(store_->ApplyRegistration(event_, registration_of_[x], 1, true, 2, kNow).ok());
  const Published before = Read(event_);

  // Someone not marked may still answer...
  auto other = Answer(tokens[6], {Number("overall", 5)});
  EXPECT_TRUE(other.ok()) << other.status();
  auto mine = feedback_->GetMine(tokens[7]);
  ASSERT_TRUE(mine.ok());
  EXPECT_TRUE(mine->can_submit());
  // ...and X's answer does not show on its own.
  ASSERT_TRUE(Answer(x, {Number("overall", 1)}).ok());
  EXPECT_TRUE(Read(event_) == before);
}

// When attendance was tracked at opening, those marked later may answer too (the set only
// grows), and unmarking someone invited does not take their say away.
TEST_F(DifferencingTest, TrackedAttendanceFixedAtOpeningOnlyGrows) {
  MakeAnonymous(event_);
  const std::string a = Register(event_, 1, /*attended=*/true);
  const std::string b = Register(event_);
  const std::string c = Register(event_);
  OpenAt(kNow + kHour);
  // c was not marked: attendance was tracked when the survey opened.
  auto refused = Answer(c, {Number("overall", 4)});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("not marked as attended"));
  // b is marked afterwards: b may answer now.
  ASSERT_TRUE(store_->ApplyRegistration(event_, registration_of_[b], 1, true, 2, kNow).ok());
  registrations_.Put(b, {registration_of_[b], event_, 1, true});
  auto later = Answer(b, {Number("overall", 4)});
  EXPECT_TRUE(later.ok()) << later.status();
  // a is unmarked afterwards: a was invited when the survey opened and still may answer.
  ASSERT_TRUE(store_->ApplyRegistration(event_, registration_of_[a], 1, false, 2, kNow).ok());
  registrations_.Put(a, {registration_of_[a], event_, 1, false});
  auto invited = Answer(a, {Number("overall", 4)});
  EXPECT_TRUE(invited.ok()) << invited.status();
}

// Every step ReleasableCount allows adds at least the minimum group, and what stays held
// while the survey is open is at least the minimum group, so the step at closing is too.
TEST(ReleasableCountTest, EveryStepIsAtLeastTheMinimumGroupAndNothingIsDropped) {
  for (int32_t k = 3; k <= 10; ++k) {
    for (int64_t held = 0; held <= 60; ++held) {
      const int64_t open = ReleasableCount(held, k, /*closed=*/false);
      EXPECT_TRUE(open == 0 || open >= k) << held << " " << k;
      if (open > 0) {
        EXPECT_EQ(held - open, k) << held << " " << k;
      }
      EXPECT_EQ(ReleasableCount(held, k, /*closed=*/true), held);
    }
  }
}

}  // namespace
}  // namespace events::feedback
