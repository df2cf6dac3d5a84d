// The survey window from an injected clock: it opens when the event ends, invites each
// eligible registration once, and closes after the window.
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/feedback/worker/window_worker.h"
#include "tests/feedback/feedback_test_support.h"

namespace events::feedback {
namespace {

using ::testing::HasSubstr;
using testing::kDay;
using testing::kHour;
using testing::kNow;
using testing::Number;
using ::testing::UnorderedElementsAreArray;

class WindowTest : public testing::FeedbackTest {
 protected:
  std::vector<std::string> Invited(const std::string& event_id) {
    std::vector<std::string> out;
    for (const auto& e : Events(event_id, "feedback.invitation_due")) {
      events::v1::FeedbackInvitationDue due;
      EXPECT_TRUE(due.ParseFromString(e.data()));
      EXPECT_EQ(due.event_id(), event_id);
      EXPECT_EQ(due.org_id(), "org_riverside");
      EXPECT_GT(due.survey_closes_unix_ms(), 0);
      out.push_back(due.registration_id());
    }
    return out;
  }

  std::string JobsKey(const std::string& event_id) {
    return keys_->PartitionPrefix(keys_->PartitionOf(event_id)) + "fb:jobs";
  }
  // The members of the event's partition job queue that are about the event.
  std::vector<std::string> Jobs(const std::string& event_id) {
    std::vector<std::string> out;
    auto reply = redis_->Command({"ZRANGE", JobsKey(event_id), "0", "-1"});
    EXPECT_TRUE(reply.ok()) << reply.status();
    if (!reply.ok()) return out;
    for (size_t i = 0; i < redis::ArraySize(**reply); ++i) {
      std::string member = redis::AsString(redis::ArrayAt(**reply, i));
      if (absl::EndsWith(member, event_id)) out.push_back(member);
    }
    return out;
  }
  // Rewrites the event's `kind` job as the version before the shared job format stored it,
  // "<kind>|<event>", at the same due time.
  void ToOldFormat(const std::string& event_id, const std::string& kind) {
    const std::string jobs = JobsKey(event_id);
    auto score = redis_->Command({"ZSCORE", jobs, kind + ":" + event_id});
    ASSERT_TRUE(score.ok()) << score.status();
    ASSERT_FALSE(redis::IsNil(**score)) << "no " << kind << " job for " << event_id;
    const std::string due = redis::AsString(**score);
    ASSERT_TRUE(redis_->Command({"ZREM", jobs, kind + ":" + event_id}).ok());
    ASSERT_TRUE(redis_->Command({"ZADD", jobs, due, kind + "|" + event_id}).ok());
    ASSERT_THAT(Jobs(event_id), ::testing::ElementsAre(kind + "|" + event_id));
  }
};

TEST_F(WindowTest, OpensAtTheEndAndClosesAfterTheWindow) {
  const std::string token = Register(event_);
  const std::string token2 = Register(event_);
  const std::string cancelled = Register(event_, 4);
  const std::string waitlisted = Register(event_, 2);
  Know(event_);
  WindowWorker worker(*store_, clock_);

  auto early = Answer(token, {Number("overall", 4)});
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(early.status().message(), HasSubstr("opens 2026-01-15T13:00:00+00:00"));
  clock_.Set(kNow + kHour - 1);
  EXPECT_EQ(*worker.RunOnce(), 0);
  EXPECT_TRUE(Invited(event_).empty());

  clock_.Set(kNow + kHour);
  EXPECT_EQ(*worker.RunOnce(), 1);
  EXPECT_EQ(feedback_->GetSurvey("org_riverside", event_)->state(), events::v1::SURVEY_STATE_OPEN);
  // Attendance not tracked: every confirmed registration, once.
  EXPECT_THAT(Invited(event_),
              UnorderedElementsAreArray({registration_of_[token], registration_of_[token2]}));
  EXPECT_EQ(Events(event_, "feedback.survey_opened").size(), 1u);
  EXPECT_EQ(*worker.RunOnce(), 0);
  EXPECT_EQ(Invited(event_).size(), 2u);
  EXPECT_TRUE(Answer(token, {Number("overall", 4)}).ok());

  clock_.Set(kNow + kHour + 14 * kDay - 1);
  EXPECT_EQ(*worker.RunOnce(), 0);
  EXPECT_TRUE(Answer(token2, {Number("overall", 2)}).ok());
  clock_.Set(kNow + kHour + 14 * kDay);
  EXPECT_EQ(*worker.RunOnce(), 1);
  EXPECT_EQ(feedback_->GetSurvey("org_riverside", event_)->state(),
            events::v1::SURVEY_STATE_CLOSED);
  EXPECT_EQ(Events(event_, "feedback.survey_closed").size(), 1u);
  auto late = Answer(token, {Number("overall", 1)});
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(late.status().message(), HasSubstr("closed at 2026-01-29T13:00:00+00:00"));
}

TEST_F(WindowTest, WhenAttendanceIsTrackedOnlyAttendeesAreInvited) {
  const std::string there = Register(event_, 1, true);
  Register(event_, 1, false);  // absent
  Register(event_, 4, true);   // cancelled after being marked attended
  Know(event_);
  // Workers of several replicas racing on threads of their own: the job fires once.
  clock_.Set(kNow + kHour);
  constexpr int kWorkers = 8;
  std::vector<std::unique_ptr<WindowWorker>> workers;
  workers.reserve(kWorkers);
  for (int i = 0; i < kWorkers; ++i) {
    workers.push_back(std::make_unique<WindowWorker>(*store_, clock_));
  }
  std::atomic<int> fired{0};
  std::atomic<int> errors{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  threads.reserve(kWorkers);
  for (int i = 0; i < kWorkers; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      for (int round = 0; round < 5; ++round) {
        absl::StatusOr<int> n = workers[i]->RunOnce();
        if (n.ok()) {
          fired += *n;
        } else {
          ++errors;
        }
      }
    });
  }
  go = true;
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(fired.load(), 1);
  EXPECT_EQ(Events(event_, "feedback.survey_opened").size(), 1u);
  // Exactly one invitation, to the one who attended: not to the absent registration, nor to
  // the cancelled one marked attended.
  EXPECT_THAT(Invited(event_), ::testing::ElementsAre(registration_of_[there]));
  EXPECT_EQ(feedback_->Report("org_riverside", event_)->eligible_count(), 1);
}

TEST_F(WindowTest, RegistrationsThatBecomeEligibleWhileOpenAreInvitedThen) {
  const std::string there = Register(event_, 1, true);
  const std::string late = Register(event_, 1, false);
  Know(event_);
  WindowWorker worker(*store_, clock_);
  clock_.Set(kNow + kHour);
  EXPECT_EQ(*worker.RunOnce(), 1);
  EXPECT_THAT(Invited(event_), ::testing::ElementsAre(registration_of_[there]));
  // Marked attended after opening (or projected late): invited then, once.
  ASSERT_TRUE(
      store_->ApplyRegistration(event_, registration_of_[late], 1, true, 2, kNow + 2 * kHour).ok());
  ASSERT_TRUE(
      store_->ApplyRegistration(event_, registration_of_[late], 1, true, 3, kNow + 3 * kHour).ok());
  EXPECT_THAT(Invited(event_),
              UnorderedElementsAreArray({registration_of_[there], registration_of_[late]}));
  EXPECT_EQ(feedback_->Report("org_riverside", event_)->eligible_count(), 2);
  // A registration confirmed after the window closed is not invited.
  clock_.Set(kNow + kHour + 14 * kDay);
  EXPECT_EQ(*worker.RunOnce(), 1);
  ASSERT_TRUE(
      store_->ApplyRegistration(event_, ids_.New("rg"), 1, true, 1, clock_.NowUnixMs()).ok());
  EXPECT_EQ(Invited(event_).size(), 2u);
}

TEST_F(WindowTest, AnOpenJobFiringAfterTheWindowClosesWithoutInviting) {
  // First deployment: the event ended 20 days ago, past its 14-day window.
  Register(event_);
  Know(event_);
  WindowWorker worker(*store_, clock_);
  clock_.Set(kNow + kHour + 20 * kDay);
  EXPECT_EQ(*worker.RunOnce(), 1);
  EXPECT_EQ(feedback_->GetSurvey("org_riverside", event_)->state(),
            events::v1::SURVEY_STATE_CLOSED);
  EXPECT_TRUE(Invited(event_).empty());
  EXPECT_TRUE(Events(event_, "feedback.survey_opened").empty());
  EXPECT_EQ(Events(event_, "feedback.survey_closed").size(), 1u);
  EXPECT_EQ(*worker.RunOnce(), 0);
}

TEST_F(WindowTest, AJobStaysQueuedWhenItsWorkFails) {
  Register(event_);
  Know(event_);
  const std::string inv = store_->EventPrefix(event_) + "inv";
  const std::string jobs = keys_->PartitionPrefix(keys_->PartitionOf(event_)) + "fb:jobs";
  // A key of the wrong type makes the open script fail part-way.
  ASSERT_TRUE(redis_->Command({"SET", inv, "not a set"}).ok());
  WindowWorker worker(*store_, clock_);
  clock_.Set(kNow + kHour);
  EXPECT_FALSE(worker.RunOnce().ok());
  auto score = redis_->Command({"ZSCORE", jobs, "open:" + event_});
  ASSERT_TRUE(score.ok());
  EXPECT_FALSE(redis::IsNil(**score)) << "the open job was removed before its work was done";
  // Once the fault is gone, the job fires.
  ASSERT_TRUE(redis_->Command({"DEL", inv}).ok());
  EXPECT_EQ(*worker.RunOnce(), 1);
  EXPECT_EQ(Invited(event_).size(), 1u);
}

// The feedback jobs the version before the shared job format stored ("open|<event>",
// "close|<event>", services/feedback/store/lua/common.lua) still fire after the upgrade, once,
// and leave nothing of the old format behind.
TEST_F(WindowTest, JobsStoredInTheOldFormatStillFire) {
  Register(event_);
  Know(event_);
  ASSERT_NO_FATAL_FAILURE(ToOldFormat(event_, "open"));
  WindowWorker worker(*store_, clock_);
  clock_.Set(kNow + kHour - 1);
  EXPECT_EQ(*worker.RunOnce(), 0);
  clock_.Set(kNow + kHour);
  EXPECT_EQ(*worker.RunOnce(), 1);
  EXPECT_EQ(feedback_->GetSurvey("org_riverside", event_)->state(), events::v1::SURVEY_STATE_OPEN);
  EXPECT_EQ(Invited(event_).size(), 1u);
  EXPECT_THAT(Jobs(event_), ::testing::ElementsAre("close:" + event_));
  EXPECT_EQ(*worker.RunOnce(), 0);

  ASSERT_NO_FATAL_FAILURE(ToOldFormat(event_, "close"));
  clock_.Set(kNow + kHour + 14 * kDay);
  EXPECT_EQ(*worker.RunOnce(), 1);
  EXPECT_EQ(feedback_->GetSurvey("org_riverside", event_)->state(),
            events::v1::SURVEY_STATE_CLOSED);
  EXPECT_EQ(Events(event_, "feedback.survey_opened").size(), 1u);
  EXPECT_EQ(Events(event_, "feedback.survey_closed").size(), 1u);
  EXPECT_TRUE(Jobs(event_).empty());
}

// A job stored in the old format is moved, not doubled, when the event is rescheduled, and
// cancelled when the event is.
TEST_F(WindowTest, RescheduledOrCancelledEventsReplaceJobsStoredInTheOldFormat) {
  Know(event_);
  ASSERT_NO_FATAL_FAILURE(ToOldFormat(event_, "open"));
  ASSERT_TRUE(store_
                  ->UpsertFacts(FactsOf(event_, "org_riverside", "",
                                        events::v1::EVENT_STATUS_PUBLISHED, kNow + kDay, "UTC", 3),
                                14 * kDay)
                  .ok());
  EXPECT_THAT(Jobs(event_), ::testing::ElementsAre("open:" + event_));
  WindowWorker worker(*store_, clock_);
  clock_.Set(kNow + kHour);
  EXPECT_EQ(*worker.RunOnce(), 0);  // not at the old end
  clock_.Set(kNow + kDay);
  EXPECT_EQ(*worker.RunOnce(), 1);

  const std::string cancelled = NewEvent();
  Register(cancelled);
  Know(cancelled);
  ASSERT_NO_FATAL_FAILURE(ToOldFormat(cancelled, "open"));
  ASSERT_TRUE(store_
                  ->UpsertFacts(FactsOf(cancelled, "org_riverside", "",
                                        events::v1::EVENT_STATUS_CANCELLED, kNow + kHour, "UTC", 9),
                                14 * kDay)
                  .ok());
  EXPECT_TRUE(Jobs(cancelled).empty());
  clock_.Set(kNow + 2 * kDay);
  EXPECT_EQ(*worker.RunOnce(), 0);
  EXPECT_TRUE(Invited(cancelled).empty());
}

TEST_F(WindowTest, RescheduledEventsMoveTheWindowAndCancelledOnesNeverOpen) {
  Know(event_);
  // Rescheduled a day later (a newer version of the facts).
  ASSERT_TRUE(store_
                  ->UpsertFacts(FactsOf(event_, "org_riverside", "",
                                        events::v1::EVENT_STATUS_PUBLISHED, kNow + kDay, "UTC", 3),
                                14 * kDay)
                  .ok());
  // An older version arriving late changes nothing.
  ASSERT_TRUE(store_
                  ->UpsertFacts(FactsOf(event_, "org_riverside", "",
                                        events::v1::EVENT_STATUS_PUBLISHED, kNow, "UTC", 2),
                                14 * kDay)
                  .ok());
  auto survey = feedback_->GetSurvey("org_riverside", event_);
  EXPECT_EQ(survey->opens_unix_ms(), kNow + kDay);
  WindowWorker worker(*store_, clock_);
  clock_.Set(kNow + kHour);
  EXPECT_EQ(*worker.RunOnce(), 0);
  clock_.Set(kNow + kDay);
  EXPECT_EQ(*worker.RunOnce(), 1);

  const std::string cancelled = NewEvent();
  Register(cancelled);
  Know(cancelled);
  ASSERT_TRUE(store_
                  ->UpsertFacts(FactsOf(cancelled, "org_riverside", "",
                                        events::v1::EVENT_STATUS_CANCELLED, kNow + kHour, "UTC", 9),
                                14 * kDay)
                  .ok());
  clock_.Set(kNow + 2 * kDay);
  EXPECT_EQ(*worker.RunOnce(), 0);
  EXPECT_EQ(feedback_->GetSurvey("org_riverside", cancelled)->state(),
            events::v1::SURVEY_STATE_CANCELLED);
  EXPECT_TRUE(Invited(cancelled).empty());
}

}  // namespace
}  // namespace events::feedback
