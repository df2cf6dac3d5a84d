// The feedback domain on a real Redis (the scripts are its rules), without gRPC: its rules,
// checks and messages. (More flows: feedback_store_test.cc and window_test.cc.)
#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/bus/event_bus.h"
#include "common/bus/keyspace.h"
#include "common/redis/redis_client.h"
#include "common/testing/redis_for_test.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/feedback/domain/feedback.h"
#include "services/feedback/rules/survey_rules.h"
#include "services/feedback/store/redis_feedback_store.h"
#include "tests/feedback/feedback_test_support.h"

namespace events::feedback {
namespace {

using testing::Choice;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::kDay;
using testing::kHour;
using testing::kNow;
using testing::Number;

class DomainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    redis::RedisOptions options = events::testing::TestRedisOptions();
    ASSERT_FALSE(HasFailure());
    redis_ = std::make_unique<redis::RedisClient>(options);
    keys_ = std::make_unique<bus::Keyspace>(events::testing::UniqueKeyPrefix(), 4);
    redis_store_ =
        std::make_unique<RedisFeedbackStore>(*redis_, *keys_, RedisFeedbackStore::Options{});
    store_ = redis_store_.get();
    feedback_ = std::make_unique<Feedback>(*store_, events_, registrations_, clock_, ids_,
                                           FeedbackOptions{});
    event_ = ids_.New("ev");
    events_.Put(FactsOf(event_, "org_a", "", events::v1::EVENT_STATUS_PUBLISHED, kNow + kHour,
                        "Europe/London", 1));
  }
  std::string Register(int status = 1, bool attended = false) {
    std::string id = ids_.New("rg");
    EXPECT_TRUE(store_->ApplyRegistration(event_, id, status, attended, 1, 0).ok());
    AttendeeRegistration r{id, event_, status, attended};
    registrations_.Put(id + ".t", r);
    return id;
  }
  absl::StatusOr<events::v1::SubmitResponseResponse> Answer(
      const std::string& id, std::vector<events::v1::FeedbackAnswer> answers) {
    events::v1::SubmitResponseRequest req;
    req.set_registration_token(id + ".t");
    for (auto& a : answers) *req.add_answers() = std::move(a);
    return feedback_->Submit(req);
  }
  void Open() {
    ASSERT_TRUE(feedback_->GetSurvey("org_a", event_).ok());
    clock_.Set(kNow + kHour);
    ASSERT_TRUE(testing::FireDue(*store_, clock_.NowUnixMs(), 10).ok());
  }

  // "<type> <subject>" of every domain event in the partition streams, oldest first.
  std::vector<std::string> StreamEvents() {
    std::vector<std::pair<std::pair<int64_t, int64_t>, std::string>> found;
    for (int p = 0; p < keys_->partitions(); ++p) {
      for (const auto& [id, e] : testing::StreamEntries(*redis_, keys_->Stream(p))) {
        const size_t dash = id.find('-');
        found.push_back({{std::stoll(id.substr(0, dash)), std::stoll(id.substr(dash + 1))},
                         e.type() + " " + e.subject()});
      }
    }
    std::sort(found.begin(), found.end());
    std::vector<std::string> out;
    out.reserve(found.size());
    for (auto& [at, text] : found) out.push_back(std::move(text));
    return out;
  }

  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<bus::Keyspace> keys_;
  std::unique_ptr<RedisFeedbackStore> redis_store_;
  FeedbackStore* store_ = nullptr;
  testing::FakeEvents events_;
  testing::FakeRegistrations registrations_;
  FakeClock clock_{kNow};
  IdGenerator ids_{clock_};
  std::unique_ptr<Feedback> feedback_;
  std::string event_;
};

TEST_F(DomainTest, SurveysBelongToTheirOrganisation) {
  auto s = feedback_->GetSurvey("org_a", event_);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->is_default());
  EXPECT_EQ(s->closes_unix_ms(), kNow + kHour + 14 * kDay);
  EXPECT_EQ(feedback_->GetSurvey("org_b", event_).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(feedback_->Report("org_b", event_).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(feedback_->GetSurvey("org_a", "ev_bad").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(DomainTest, TheWindowDecidesAndSaysWhen) {
  const std::string ann = Register();
  ASSERT_TRUE(feedback_->GetSurvey("org_a", event_).ok());
  auto early = Answer(ann, {Number("overall", 5)});
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(early.status().message(), HasSubstr("opens 2026-01-15T13:00:00+00:00"));
  Open();
  EXPECT_THAT(StreamEvents(),
              ElementsAre("feedback.invitation_due " + ann, "feedback.survey_opened " + event_));
  EXPECT_TRUE(Answer(ann, {Number("overall", 5)}).ok());
  clock_.Set(kNow + kHour + 14 * kDay);
  auto late = Answer(ann, {Number("overall", 4)});
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(late.status().message(), HasSubstr("closed at"));
  EXPECT_EQ(feedback_->GetSurvey("org_a", event_)->state(), events::v1::SURVEY_STATE_CLOSED);
}

TEST_F(DomainTest, EditsReplaceAndAnonymousAnswersAreFinal) {
  const std::string ann = Register();
  Open();
  ASSERT_FALSE(Answer(ann, {Number("overall", 1)})->replaced());
  ASSERT_TRUE(Answer(ann, {Number("overall", 5)})->replaced());
  auto report = feedback_->Report("org_a", event_);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->response_count(), 1);
  EXPECT_EQ(report->questions(0).answered(), 1);
  EXPECT_TRUE(report->questions(0).suppressed());

  const std::string other = ids_.New("ev");
  events_.Put(
      FactsOf(other, "org_a", "", events::v1::EVENT_STATUS_PUBLISHED, kNow + 2 * kHour, "UTC", 1));
  events::v1::UpdateSurveyRequest req;
  req.set_event_id(other);
  *req.mutable_definition() = DefaultSurvey();
  req.mutable_definition()->set_anonymous(true);
  ASSERT_TRUE(feedback_->UpdateSurvey("org_a", req).ok());
  const std::string id = ids_.New("rg");
  ASSERT_TRUE(store_->ApplyRegistration(other, id, 1, false, 1, 0).ok());
  registrations_.Put(id + ".t", AttendeeRegistration{id, other, 1, false});
  clock_.Set(kNow + 2 * kHour);
  ASSERT_TRUE(testing::FireDue(*store_, clock_.NowUnixMs(), 10).ok());
  EXPECT_TRUE(Answer(id, {Number("overall", 3)})->anonymous());
  auto again = Answer(id, {Number("overall", 3)});
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(again.status().message(), HasSubstr("cannot be changed"));
  // The survey has opened: anonymity can no longer change.
  req.mutable_definition()->set_anonymous(false);
  EXPECT_EQ(feedback_->UpdateSurvey("org_a", req).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(DomainTest, WhoMayAnswer) {
  const std::string cancelled = Register(4);
  const std::string there = Register(1, true);
  const std::string absent = Register(1, false);
  Open();
  EXPECT_THAT(Answer(cancelled, {Number("overall", 3)}).status().message(),
              HasSubstr("only confirmed registrations"));
  EXPECT_THAT(Answer(absent, {Number("overall", 3)}).status().message(),
              HasSubstr("not marked as attended"));
  EXPECT_TRUE(Answer(there, {Number("overall", 3)}).ok());
  EXPECT_EQ(feedback_->GetMine("rg_x.nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(feedback_->GetMine(std::string(201, 'a')).status().code(),
            absl::StatusCode::kInvalidArgument);
  auto mine = feedback_->GetMine(absent + ".t");
  ASSERT_TRUE(mine.ok());
  EXPECT_FALSE(mine->can_submit());
}

TEST_F(DomainTest, AccessCrossTabUsesTheOutcomeAtAnswerTime) {
  std::vector<std::string> people;
  for (int i = 0; i < 5; ++i) {
    people.push_back(Register());
    ASSERT_TRUE(
        store_->ApplyAccessRequest(event_, "ar_" + std::to_string(i), people.back(), 4, 1).ok());
  }
  Open();
  for (const std::string& p : people) {
    ASSERT_TRUE(Answer(p, {Number("overall", 4), Choice("access_needs_met", "yes")}).ok());
  }
  auto report = feedback_->Report("org_a", event_);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->requests_fulfilled(), 5);
  EXPECT_EQ(report->access_breakdown(0).people(), 5);
  EXPECT_EQ(report->access_breakdown(0).answers(0).count(), 5);
  EXPECT_DOUBLE_EQ(report->questions(0).mean(), 4.0);
}

TEST_F(DomainTest, TrendsValidateTheirBounds) {
  events::v1::GetTrendsRequest req;
  req.set_from_month("2026-05");
  req.set_to_month("2026-04");
  EXPECT_THAT(feedback_->Trends("org_a", req).status().message(), HasSubstr("from_month"));
  req.set_to_month("2026-5");
  EXPECT_THAT(feedback_->Trends("org_a", req).status().message(), HasSubstr("to_month"));
}

// ListFeedbackTexts gives what the report would, page by page: the same order, the same
// suppression, and the answers as they are now (an edit replaces its text).
TEST_F(DomainTest, TextsArePagedLikeTheReportShowsThem) {
  std::vector<std::string> people;
  people.reserve(6);
  for (int i = 0; i < 6; ++i) people.push_back(Register());
  Open();
  const char* said[] = {"quiet room", "braille", "braille", "apples", "music", "captions"};
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(Answer(people[i], {Number("overall", 4), testing::Text("mattered_most", said[i]),
                                   Choice("access_needs_met", "yes", i < 4 ? "a comment" : "")})
                    .ok());
  }
  ASSERT_TRUE(Answer(people[5], {Number("overall", 4), testing::Text("mattered_most", "zebra")})
                  .ok());  // an edit
  events::v1::ListFeedbackTextsRequest req;
  req.set_event_id(event_);
  req.set_question_id("mattered_most");
  req.mutable_page()->set_page_size(2);
  std::vector<std::string> all;
  for (int pages = 0; pages < 5; ++pages) {
    auto page = feedback_->Texts("org_a", req);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->total(), 6);
    all.insert(all.end(), page->texts().begin(), page->texts().end());
    if (page->next_page_token().empty()) break;
    req.mutable_page()->set_page_token(page->next_page_token());
  }
  EXPECT_THAT(all, ElementsAre("apples", "braille", "braille", "music", "quiet room", "zebra"));
  auto report = feedback_->Report("org_a", event_, 4);
  ASSERT_TRUE(report.ok());
  EXPECT_THAT(report->questions(2).texts(), ElementsAre("apples", "braille", "braille", "music"));
  EXPECT_EQ(report->questions(2).texts_total(), 6);

  // Four people commented on access_needs_met, fewer than 5: withheld in both.
  req.set_question_id("access_needs_met");
  req.mutable_page()->Clear();
  auto comments = feedback_->Texts("org_a", req);
  EXPECT_EQ(comments.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(comments.status().message(), HasSubstr("fewer than 5 people wrote text"));
  EXPECT_EQ(report->questions(1).texts_total(), 0);
  // Another organisation's event is not found, whatever the question.
  EXPECT_EQ(feedback_->Texts("org_b", req).status().code(), absl::StatusCode::kNotFound);
}

// Invitations once, trends from the minimum group, named answers announced, a late open job.
TEST_F(DomainTest, InvitationsTrendsAnnouncementsAndLateJobs) {
  const std::string there = Register(1, true);
  const std::string late = Register(1, false);
  Register(4, true);  // cancelled, though marked attended: never invited
  Open();
  EXPECT_THAT(StreamEvents(), ::testing::Contains("feedback.invitation_due " + there));
  // Marked attended after opening: invited then, once.
  ASSERT_TRUE(store_->ApplyRegistration(event_, late, 1, true, 2, kNow + 2 * kHour).ok());
  ASSERT_TRUE(store_->ApplyRegistration(event_, late, 1, true, 3, kNow + 3 * kHour).ok());
  registrations_.Put(late + ".t", AttendeeRegistration{late, event_, 1, true});
  int invitations = 0;
  for (const std::string& e : StreamEvents()) {
    invitations += e.rfind("feedback.invitation_due ", 0) == 0 ? 1 : 0;
  }
  EXPECT_EQ(invitations, 2);

  // Trends hold an event's responses until it has the minimum (5), and named responses are
  // announced.
  std::vector<std::string> people = {there, late};
  for (int i = 0; i < 3; ++i) people.push_back(Register(1, true));
  for (size_t i = 0; i < people.size(); ++i) {
    EXPECT_EQ(store_->ReadTrends("org_a")->size(), 0u) << i;
    ASSERT_TRUE(Answer(people[i], {Number("overall", 4)}).ok());
  }
  EXPECT_EQ(store_->ReadTrends("org_a")->at("m:2026-01:n"), 5);
  EXPECT_THAT(StreamEvents(), ::testing::Contains("feedback.response_submitted " + event_));

  // An open job firing after the window closes the survey without inviting.
  const std::string past = ids_.New("ev");
  events_.Put(FactsOf(past, "org_a", "", events::v1::EVENT_STATUS_PUBLISHED, kNow + kHour,
                      "Europe/London", 1));
  ASSERT_TRUE(store_->ApplyRegistration(past, ids_.New("rg"), 1, false, 1, 0).ok());
  ASSERT_TRUE(feedback_->GetSurvey("org_a", past).ok());
  std::multiset<std::string> added;
  for (const std::string& e : StreamEvents()) added.insert(e);
  ASSERT_EQ(*testing::FireDue(*store_, kNow + kHour + 20 * kDay, 10),
            2);  // the first event's close too
  EXPECT_EQ(feedback_->GetSurvey("org_a", past)->state(), events::v1::SURVEY_STATE_CLOSED);
  // What the firing added (the two events may be in different partitions, whose streams
  // interleave by time, so compare contents, not positions).
  std::vector<std::string> fired;
  for (const std::string& e : StreamEvents()) {
    auto seen = added.find(e);
    if (seen != added.end()) {
      added.erase(seen);
    } else {
      fired.push_back(e);
    }
  }
  EXPECT_THAT(fired, ::testing::UnorderedElementsAre("feedback.survey_closed " + event_,
                                                     "feedback.survey_closed " + past));
}

TEST_F(DomainTest, AnonymousResponsesAreNotAnnounced) {
  events::v1::UpdateSurveyRequest req;
  req.set_event_id(event_);
  *req.mutable_definition() = DefaultSurvey();
  req.mutable_definition()->set_anonymous(true);
  ASSERT_TRUE(feedback_->UpdateSurvey("org_a", req).ok());
  const std::string id = Register();
  Open();
  ASSERT_TRUE(Answer(id, {Number("overall", 4)}).ok());
  for (const std::string& e : StreamEvents()) {
    EXPECT_NE(e.rfind("feedback.response_submitted", 0), 0u) << e;
  }
}

// The marker of an anonymous answer is keyed: without the key (which Redis never holds) it is
// not any unkeyed hash of the ids, and another key gives another marker. The derived key
// depends on the service key, and a configured key wins.
TEST(UsedMarkerTest, IsKeyedAndTheKeyIsNotComputableFromRedis) {
  const std::string service_key = "ek_" + std::string(80, 's');  // longer than HMAC's block
  const std::string key = MarkerKey("", service_key);
  EXPECT_EQ(key, MarkerKey("", service_key));
  EXPECT_NE(key, MarkerKey("", service_key + "2"));
  EXPECT_NE(key, Sha256Hex(service_key));  // what Redis holds of an API key
  EXPECT_EQ(MarkerKey("configured-anonymity-key-0123456789", service_key),
            "configured-anonymity-key-0123456789");
  const std::string marker = UsedMarker(key, "ev_1", "rg_1");
  EXPECT_EQ(marker.size(), 64u);
  EXPECT_EQ(marker, UsedMarker(key, "ev_1", "rg_1"));
  EXPECT_NE(marker, UsedMarker(key, "ev_1", "rg_2"));
  EXPECT_NE(marker, UsedMarker(key, "ev_2", "rg_1"));
  EXPECT_NE(marker, UsedMarker(MarkerKey("", "another"), "ev_1", "rg_1"));
  EXPECT_NE(marker, Sha256Hex("feedback:used:ev_1:rg_1"));
  // Derived from the Redis-held hash instead of the key itself: a different key.
  EXPECT_NE(marker, UsedMarker(MarkerKey("", Sha256Hex(service_key)), "ev_1", "rg_1"));
}

}  // namespace
}  // namespace events::feedback
