// The feedback domain on a real Redis: surveys, responses, reports, exports and trends.
#include "common/testing/redis_for_test.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/feedback/rules/survey_rules.h"
#include "tests/feedback/feedback_test_support.h"

namespace events::feedback {
namespace {

using testing::Choice;
using ::testing::Contains;
using ::testing::HasSubstr;
using testing::kHour;
using testing::kNow;
using ::testing::Not;
using testing::Number;
using testing::Text;

class FeedbackStoreTest : public testing::FeedbackTest {};

TEST_F(FeedbackStoreTest, EveryEventHasTheDefaultSurveyOfItsOrganisationOnly) {
  auto survey = feedback_->GetSurvey("org_riverside", event_);
  ASSERT_TRUE(survey.ok()) << survey.status();
  EXPECT_TRUE(survey->is_default());
  EXPECT_EQ(survey->state(), events::v1::SURVEY_STATE_SCHEDULED);
  EXPECT_EQ(survey->opens_unix_ms(), kNow + kHour);
  EXPECT_EQ(survey->closes_unix_ms(), kNow + kHour + 14 * testing::kDay);
  EXPECT_EQ(survey->definition().questions_size(), 5);

  EXPECT_EQ(feedback_->GetSurvey("org_other", event_).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(feedback_->GetSurvey("org_riverside", ids_.New("ev")).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_THAT(feedback_->GetSurvey("org_riverside", "nope").status().message(),
              HasSubstr("event_id"));
}

TEST_F(FeedbackStoreTest, OrganisersChangeSurveysFreelyUntilTheyOpenThenOnlyWording) {
  events::v1::UpdateSurveyRequest req;
  req.set_event_id(event_);
  *req.mutable_definition() = DefaultSurvey();
  req.mutable_definition()->mutable_questions()->RemoveLast();
  req.mutable_definition()->set_window_days(3);
  auto saved = feedback_->UpdateSurvey("org_riverside", req);
  ASSERT_TRUE(saved.ok()) << saved.status();
  EXPECT_FALSE(saved->is_default());
  EXPECT_EQ(saved->definition().questions_size(), 4);
  EXPECT_EQ(saved->closes_unix_ms(), kNow + kHour + 3 * testing::kDay);
  EXPECT_EQ(feedback_->UpdateSurvey("org_other", req).status().code(), absl::StatusCode::kNotFound);

  req.set_expected_version(saved->version() + 5);
  EXPECT_EQ(feedback_->UpdateSurvey("org_riverside", req).status().code(),
            absl::StatusCode::kAborted);
  req.set_expected_version(0);

  OpenAt(kNow + kHour);
  req.mutable_definition()->mutable_questions(0)->set_text("How was it for you?");
  auto reworded = feedback_->UpdateSurvey("org_riverside", req);
  ASSERT_TRUE(reworded.ok()) << reworded.status();
  EXPECT_EQ(reworded->state(), events::v1::SURVEY_STATE_OPEN);
  EXPECT_EQ(reworded->definition().questions(0).text(), "How was it for you?");

  req.mutable_definition()->mutable_questions()->RemoveLast();
  auto refused = feedback_->UpdateSurvey("org_riverside", req);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("has opened"));

  req.mutable_definition()->clear_questions();
  EXPECT_EQ(feedback_->UpdateSurvey("org_riverside", req).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(FeedbackStoreTest, OneResponsePerRegistrationAndAnEditReplacesIt) {
  const std::string token = Register(event_);
  Know(event_);
  OpenAt(kNow + kHour);
  auto first = Answer(token, {Number("overall", 2), Number("recommend", 3),
                              Choice("access_needs_met", "partly", "no loop")});
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->replaced());
  auto second = Answer(token, {Number("overall", 5), Number("recommend", 10),
                               Text("mattered_most", "The BSL interpreter")});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->replaced());

  const auto agg = Aggregates(event_);
  EXPECT_EQ(agg.at("n"), 1);
  EXPECT_EQ(agg.at("q:overall:v:5"), 1);
  EXPECT_EQ(agg.count("q:overall:v:2"), 0u);
  EXPECT_EQ(agg.count("q:access_needs_met:n"), 0u);
  EXPECT_EQ(agg.count("x:no_request:n"), 0u);
  EXPECT_EQ(agg.at("q:mattered_most:n"), 1);

  events::v1::GetMySurveyRequest mine_req;
  auto mine = feedback_->GetMine(token);
  ASSERT_TRUE(mine.ok()) << mine.status();
  EXPECT_TRUE(mine->responded());
  EXPECT_TRUE(mine->can_submit());
  ASSERT_EQ(mine->answers_size(), 3);
  EXPECT_EQ(mine->answers(0).number(), 5);
  EXPECT_EQ(mine->survey().response_count(), 0);  // attendees do not see counts

  auto texts = redis_->Command({"HLEN", store_->EventPrefix(event_) + "t:access_needs_met"});
  ASSERT_TRUE(texts.ok());
  EXPECT_EQ(redis::AsInt(**texts), 0);  // the old comment went with the old answer
  // Named responses are announced without the registration id (webhooks reach integrations).
  const auto submitted = Events(event_, "feedback.response_submitted");
  ASSERT_EQ(submitted.size(), 2u);
  for (const auto& e : submitted) {
    events::v1::FeedbackResponseSubmitted payload;
    ASSERT_TRUE(payload.ParseFromString(e.data()));
    EXPECT_TRUE(payload.registration_id().empty());
    EXPECT_EQ(payload.event_id(), event_);
    EXPECT_THAT(e.data(), Not(HasSubstr(registration_of_[token])));
  }
  events::v1::FeedbackResponseSubmitted second_payload;
  ASSERT_TRUE(second_payload.ParseFromString(submitted[1].data()));
  EXPECT_TRUE(second_payload.replaced());

  EXPECT_EQ(feedback_->GetMine("rg_unknown.x").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Answer("", {}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Answer(token, {Number("overall", 9)}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(FeedbackStoreTest, OnlyConfirmedAndWhenTrackedAttendedRegistrationsAnswer) {
  const std::string cancelled = Register(event_, 4);
  const std::string confirmed = Register(event_);
  Know(event_);
  OpenAt(kNow + kHour);
  auto refused = Answer(cancelled, {Number("overall", 3)});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("confirmed"));
  ASSERT_TRUE(Answer(confirmed, {Number("overall", 3)}).ok());

  // Once anyone is marked attended, only attended registrations may answer.
  const std::string other = ids_.New("ev");
  events_.Put(FactsOf(other, "org_riverside", "", events::v1::EVENT_STATUS_PUBLISHED,
                      kNow + 2 * kHour, "UTC", 1));
  const std::string was_there = Register(other, 1, true);
  const std::string absent = Register(other, 1, false);
  Know(other);
  OpenAt(kNow + 2 * kHour);
  EXPECT_TRUE(Answer(was_there, {Number("overall", 4)}).ok());
  auto not_attended = Answer(absent, {Number("overall", 4)});
  EXPECT_EQ(not_attended.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(not_attended.status().message(), HasSubstr("not marked as attended"));
}

TEST_F(FeedbackStoreTest, ReportMathsSuppressionAndRedactionFromAggregates) {
  std::vector<std::string> tokens;
  tokens.reserve(6);
  for (int i = 0; i < 6; ++i) tokens.push_back(Register(event_));
  Register(event_);  // invited, never answers
  Know(event_);
  OpenAt(kNow + kHour);
  const int overall[] = {5, 4, 4, 3, 2, 5};
  const int recommend[] = {10, 9, 7, 6, 0, 9};
  for (int i = 0; i < 6; ++i) {
    std::vector<events::v1::FeedbackAnswer> a = {Number("overall", overall[i]),
                                                 Number("recommend", recommend[i])};
    if (i < 5)
      a.push_back(Text("mattered_most", "Call me on 07700 900123 or a@b.org " + std::to_string(i)));
    if (i < 2) a.push_back(Choice("access_needs_met", "yes"));
    ASSERT_TRUE(Answer(tokens[i], a).ok());
  }
  auto report = feedback_->Report("org_riverside", event_);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->response_count(), 6);
  EXPECT_EQ(report->eligible_count(), 7);
  EXPECT_NEAR(report->response_rate(), 6.0 / 7.0, 1e-9);
  const auto& o = report->questions(0);
  // 2 3 4 4 5 5: mean 23/6, median (4+4)/2.
  EXPECT_NEAR(o.mean(), 23.0 / 6.0, 1e-9);
  EXPECT_DOUBLE_EQ(o.median(), 4.0);
  const auto& r = report->questions(3);
  // 0 6 7 9 9 10: 3 promoters, 1 passive, 2 detractors -> 50 - 33.33; median (7+9)/2 = 8.
  EXPECT_NEAR(r.nps().score(), 100.0 / 6.0, 1e-9);
  EXPECT_DOUBLE_EQ(r.median(), 8.0);
  EXPECT_TRUE(report->questions(1).suppressed());  // 2 answers < 5
  EXPECT_EQ(report->questions(1).choices_size(), 0);
  const auto& text = report->questions(2);
  ASSERT_EQ(text.texts_size(), 5);
  for (const std::string& t : text.texts()) {
    EXPECT_THAT(t, HasSubstr("Call me on [phone removed] or [email removed]"));
  }
  EXPECT_EQ(feedback_->Report("org_other", event_).status().code(), absl::StatusCode::kNotFound);

  events::v1::ExportFeedbackRequest req;
  req.set_event_id(event_);
  req.set_format(events::v1::EXPORT_FORMAT_RESPONSES_CSV);
  auto csv = feedback_->Export("org_riverside", req);
  ASSERT_TRUE(csv.ok()) << csv.status();
  EXPECT_EQ(csv->rows(), 6);
  for (const auto& [token, id] : registration_of_) {
    EXPECT_THAT(csv->content(), Not(HasSubstr(id)));
  }
  EXPECT_THAT(csv->content(), Not(HasSubstr("07700")));
  req.set_format(events::v1::EXPORT_FORMAT_REPORT_JSON);
  auto json = feedback_->Export("org_riverside", req);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_THAT(json->content(), HasSubstr("\"response_count\": \"6\""));
  req.set_format(events::v1::EXPORT_FORMAT_UNSPECIFIED);
  EXPECT_EQ(feedback_->Export("org_riverside", req).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(FeedbackStoreTest, AccessNeedsMetIsCrossedWithFulfilmentOutcomesAsCountsOnly) {
  std::vector<std::string> tokens;
  tokens.reserve(11);
  for (int i = 0; i < 11; ++i) tokens.push_back(Register(event_));
  // Five people had a request fulfilled, five had one that could not be; the eleventh asked
  // nothing.
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(store_
                    ->ApplyAccessRequest(event_, "ar_" + std::to_string(i),
                                         registration_of_[tokens[i]], i < 5 ? 4 : 5, 3)
                    .ok());
  }
  // A stale (older) change does not undo a newer one.
  ASSERT_TRUE(store_->ApplyAccessRequest(event_, "ar_0", registration_of_[tokens[0]], 1, 1).ok());
  Know(event_);
  OpenAt(kNow + kHour);
  const char* met[] = {"yes", "yes", "yes", "partly", "no", "no", "no", "partly", "no", "yes"};
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(Answer(tokens[i], {Number("overall", 4), Choice("access_needs_met", met[i])}).ok());
  }
  auto report = feedback_->Report("org_riverside", event_);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->requests_fulfilled(), 5);
  EXPECT_EQ(report->requests_unfulfilled(), 5);
  ASSERT_EQ(report->access_breakdown_size(), 4);
  const auto& fulfilled = report->access_breakdown(0);
  EXPECT_EQ(fulfilled.outcome(), "fulfilled");
  EXPECT_EQ(fulfilled.people(), 5);
  ASSERT_FALSE(fulfilled.suppressed());
  EXPECT_EQ(fulfilled.answers(0).count(), 3);  // yes
  EXPECT_EQ(fulfilled.answers(1).count(), 1);  // partly
  EXPECT_EQ(fulfilled.answers(2).count(), 1);  // no
  const auto& unfulfilled = report->access_breakdown(1);
  EXPECT_EQ(unfulfilled.people(), 5);
  EXPECT_EQ(unfulfilled.answers(2).count(), 3);  // no

  // One person with no request answers: that row would be one person, and the other rows
  // plus the question's totals would give it away, so the whole breakdown is withheld.
  ASSERT_TRUE(Answer(tokens[10], {Number("overall", 4), Choice("access_needs_met", "none")}).ok());
  report = feedback_->Report("org_riverside", event_);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->questions(1).answered(), 11);
  for (const auto& row : report->access_breakdown()) {
    EXPECT_TRUE(row.suppressed()) << row.outcome();
    EXPECT_EQ(row.people(), 0) << row.outcome();
    EXPECT_EQ(row.answers_size(), 0) << row.outcome();
  }
  // The note says the breakdown is withheld, but not which group is small: "fewer than 5 in
  // unfulfilled" next to requests_unfulfilled would point at the people whose requests the
  // coordinators know were not met.
  EXPECT_THAT(report->notes(), Contains(HasSubstr("withheld")));
  for (const std::string& note : report->notes()) {
    for (const std::string& outcome : AccessOutcomes()) {
      EXPECT_THAT(note, Not(HasSubstr(outcome)));
    }
  }
}

TEST_F(FeedbackStoreTest, TrendsPerMonthAndSeries) {
  const std::string march = ids_.New("ev");
  events_.Put(FactsOf(march, "org_riverside", "se_1", events::v1::EVENT_STATUS_PUBLISHED,
                      kNow + kHour, "Europe/London", 1));
  std::vector<std::string> tokens;
  tokens.reserve(5);
  for (int i = 0; i < 5; ++i) tokens.push_back(Register(march));
  Know(march);
  OpenAt(kNow + kHour);
  events::v1::GetTrendsRequest req;
  for (int i = 0; i < 5; ++i) {
    // Until the event has five responses, nothing of it is in the trends (which could
    // otherwise be differenced against it), and its responses cannot be exported.
    auto held = feedback_->Trends("org_riverside", req);
    ASSERT_TRUE(held.ok()) << held.status();
    EXPECT_EQ(held->months_size(), 0) << i;
    EXPECT_EQ(held->series_size(), 0) << i;
    events::v1::ExportFeedbackRequest csv;
    csv.set_event_id(march);
    csv.set_format(events::v1::EXPORT_FORMAT_RESPONSES_CSV);
    EXPECT_EQ(feedback_->Export("org_riverside", csv).status().code(),
              absl::StatusCode::kFailedPrecondition);
    ASSERT_TRUE(Answer(tokens[i], {Number("overall", 4 + i % 2), Number("recommend", 10)}).ok());
  }
  auto trends = feedback_->Trends("org_riverside", req);
  ASSERT_TRUE(trends.ok()) << trends.status();
  ASSERT_EQ(trends->months_size(), 1);
  EXPECT_EQ(trends->months(0).key(), "2026-01");
  EXPECT_EQ(trends->months(0).responses(), 5);
  EXPECT_NEAR(trends->months(0).mean_rating(), 22.0 / 5.0, 1e-9);
  EXPECT_DOUBLE_EQ(trends->months(0).nps(), 100.0);
  ASSERT_EQ(trends->series_size(), 1);
  EXPECT_EQ(trends->series(0).key(), "se_1");
  EXPECT_EQ(trends->series(0).responses(), 5);
  // Later responses and edits reach the trends directly.
  const std::string sixth = Register(march);
  ASSERT_TRUE(Answer(sixth, {Number("overall", 1)}).ok());
  ASSERT_TRUE(Answer(tokens[0], {Number("overall", 5), Number("recommend", 10)}).ok());
  trends = feedback_->Trends("org_riverside", req);
  ASSERT_TRUE(trends.ok());
  EXPECT_EQ(trends->months(0).responses(), 6);
  EXPECT_EQ(trends->months(0).rating_count(), 6);
  EXPECT_NEAR(trends->months(0).mean_rating(), (5 + 5 + 4 + 5 + 4 + 1) / 6.0, 1e-9);
  EXPECT_EQ(feedback_->Trends("org_other", req)->months_size(), 0);
  req.set_from_month("2026-13");
  EXPECT_EQ(feedback_->Trends("org_riverside", req).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// A trend group of an event follows the event's count in it both ways: an edit that takes a
// question below the minimum takes the event's answers to it out of the trends. And an event
// the trends took whole under the earlier rule (in_trends, no E tr) is brought under this
// one by its next response, without counting anything twice.
TEST_F(FeedbackStoreTest, TrendsFollowEachQuestionsCountBothWays) {
  events::v1::UpdateSurveyRequest update;
  update.set_event_id(event_);
  *update.mutable_definition() = DefaultSurvey();
  for (auto& q : *update.mutable_definition()->mutable_questions()) q.set_required(false);
  auto updated = feedback_->UpdateSurvey("org_riverside", update);
  ASSERT_TRUE(updated.ok()) << updated.status();
  std::vector<std::string> tokens;
  tokens.reserve(6);
  for (int i = 0; i < 6; ++i) tokens.push_back(Register(event_));
  OpenAt(kNow + kHour);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(Answer(tokens[i], {Number("overall", 4), Number("recommend", 9)}).ok());
  }
  events::v1::GetTrendsRequest req;
  auto trends = feedback_->Trends("org_riverside", req);
  ASSERT_TRUE(trends.ok()) << trends.status();
  ASSERT_EQ(trends->months_size(), 1);
  EXPECT_EQ(trends->months(0).rating_count(), 5);

  // An edit leaves the rating with 4 answers: the event's ratings leave the trends.
  ASSERT_TRUE(Answer(tokens[0], {Number("recommend", 9)}).ok());
  trends = feedback_->Trends("org_riverside", req);
  ASSERT_TRUE(trends.ok()) << trends.status();
  ASSERT_EQ(trends->months_size(), 1);
  EXPECT_EQ(trends->months(0).responses(), 5);
  EXPECT_EQ(trends->months(0).rating_count(), 0);
  EXPECT_EQ(trends->months(0).recommend_count(), 5);

  // The state the earlier rule left: the whole of E td in the trend hash, in_trends set.
  const std::string e = store_->EventPrefix(event_);
  const std::vector<std::string> found =
      ::events::testing::KeysMatching(*redis_, prefix_ + "*fb:org:org_riverside:trend");
  ASSERT_EQ(found.size(), 1u);
  const std::string& trend = found[0];
  ASSERT_TRUE(redis_->Command({"DEL", e + "tr"}).ok());
  ASSERT_TRUE(redis_->Command({"HSET", e + "s", "in_trends", "1"}).ok());
  ASSERT_TRUE(redis_->Command({"HINCRBY", trend, "m:2026-01:r:4", "4"}).ok());
  // The next response: the rating has 5 answers again and is in the trends once.
  ASSERT_TRUE(Answer(tokens[5], {Number("overall", 5)}).ok());
  trends = feedback_->Trends("org_riverside", req);
  ASSERT_TRUE(trends.ok()) << trends.status();
  ASSERT_EQ(trends->months_size(), 1);
  EXPECT_EQ(trends->months(0).responses(), 6);
  EXPECT_EQ(trends->months(0).rating_count(), 5);
  EXPECT_NEAR(trends->months(0).mean_rating(), (4 * 4 + 5) / 5.0, 1e-9);
  EXPECT_EQ(trends->months(0).recommend_count(), 5);
}

// An anonymous survey's text hash also holds a padding field (kUnorderedField): reading one
// question's texts must not give it out as a text.
TEST_F(FeedbackStoreTest, QuestionTextsAreReadWithoutTheAnonymousPadding) {
  events::v1::UpdateSurveyRequest req;
  req.set_event_id(event_);
  *req.mutable_definition() = DefaultSurvey();
  req.mutable_definition()->set_anonymous(true);
  ASSERT_TRUE(feedback_->UpdateSurvey("org_riverside", req).ok());
  std::vector<std::string> tokens;
  tokens.reserve(6);
  for (int i = 0; i < 6; ++i) tokens.push_back(Register(event_));
  OpenAt(kNow + kHour);
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(Answer(tokens[i], {Number("overall", 4),
                                   Text("mattered_most", "reply " + std::to_string(5 - i))})
                    .ok());
  }
  CloseAndRelease(event_);  // anonymous answers reach the texts in their batch
  auto read = store_->ReadTexts(event_, "mattered_most");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->answered, 6);
  EXPECT_THAT(read->texts, ::testing::UnorderedElementsAre("reply 0", "reply 1", "reply 2",
                                                           "reply 3", "reply 4", "reply 5"));
  auto none = store_->ReadTexts(event_, "recommend");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->answered, 0);
  EXPECT_TRUE(none->texts.empty());

  events::v1::ListFeedbackTextsRequest list;
  list.set_event_id(event_);
  list.set_question_id("mattered_most");
  auto page = feedback_->Texts("org_riverside", list);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_THAT(page->texts(), ::testing::ElementsAre("reply 0", "reply 1", "reply 2", "reply 3",
                                                    "reply 4", "reply 5"));
  EXPECT_EQ(page->total(), 6);
}

TEST_F(FeedbackStoreTest, OpenSurveyNowIsForDevelopmentOnly) {
  EXPECT_EQ(feedback_->OpenNow("org_riverside", event_).status().code(),
            absl::StatusCode::kPermissionDenied);
  FeedbackOptions options;
  options.allow_manual_open = true;
  MakeFeedback(options);
  const std::string token = Register(event_);
  auto opened = feedback_->OpenNow("org_riverside", event_);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->state(), events::v1::SURVEY_STATE_OPEN);
  EXPECT_EQ(opened->opens_unix_ms(), kNow);
  EXPECT_EQ(Events(event_, "feedback.invitation_due").size(), 1u);
  EXPECT_TRUE(Answer(token, {Number("overall", 5)}).ok());
  EXPECT_EQ(feedback_->OpenNow("org_riverside", event_).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // The open job that was due at the end does nothing now.
  OpenAt(kNow + kHour);
  EXPECT_EQ(Events(event_, "feedback.invitation_due").size(), 1u);
}

}  // namespace
}  // namespace events::feedback
