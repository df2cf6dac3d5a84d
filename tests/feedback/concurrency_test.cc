// Many attendees answering and editing at once: the aggregates stay exactly what a recount
// of the stored responses gives.
#include <atomic>
#include <random>
#include <thread>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "services/feedback/rules/aggregates.h"
#include "services/feedback/rules/survey_rules.h"
#include "tests/feedback/feedback_test_support.h"

namespace events::feedback {
namespace {

using testing::Choice;
using testing::kHour;
using testing::kNow;
using testing::Number;
using testing::Text;

constexpr int kThreads = 8;
constexpr int kPerThread = 12;

class ConcurrencyTest : public testing::FeedbackTest {
 protected:
  // The event aggregates a recount of the stored responses gives (cross-tab fields aside).
  std::map<std::string, int64_t> Recount(const std::string& event_id) {
    std::map<std::string, int64_t> out;
    auto rows = store_->ReadResponses(event_id);
    EXPECT_TRUE(rows.ok());
    for (const ExportRow& row : *rows) {
      for (const FieldDelta& d : ContributionOf(DefaultSurvey(), row.answers, "", "").event) {
        out[d.field] += d.delta;
      }
    }
    return out;
  }
  std::map<std::string, int64_t> WithoutCrossTab(std::map<std::string, int64_t> agg) {
    for (auto it = agg.begin(); it != agg.end();) {
      it = absl::StartsWith(it->first, "x:") ? agg.erase(it) : std::next(it);
    }
    return agg;
  }
};

TEST_F(ConcurrencyTest, ConcurrentResponsesAndEditsKeepAggregatesExact) {
  std::vector<std::vector<std::string>> tokens(kThreads);
  for (auto& list : tokens) {
    for (int i = 0; i < kPerThread; ++i) list.push_back(Register(event_));
  }
  Know(event_);
  OpenAt(kNow + kHour);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 random(t);
      const char* met[] = {"yes", "partly", "no", "none"};
      // Every attendee answers, then half of them change their answers.
      for (int round = 0; round < 2; ++round) {
        for (int i = round; i < kPerThread; i += round + 1) {
          std::vector<events::v1::FeedbackAnswer> a = {
              // The casts are of numbers below 11.
              Number("overall", 1 + static_cast<int>(random() % 5)),
              Number("recommend", static_cast<int>(random() % 11)),
              Choice("access_needs_met", met[random() % 4], random() % 2 ? "ok" : "")};
          if (random() % 2) a.push_back(Text("mattered_most", "people"));
          if (!Answer(tokens[t][i], a).ok()) failures++;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  const auto agg = Aggregates(event_);
  EXPECT_EQ(agg.at("n"), kThreads * kPerThread);
  EXPECT_EQ(WithoutCrossTab(agg), Recount(event_));
  EXPECT_EQ(agg.at("x:no_request:n"), kThreads * kPerThread);
  auto texts = redis_->Command({"HLEN", store_->EventPrefix(event_) + "t:mattered_most"});
  EXPECT_EQ(redis::AsInt(**texts),
            agg.count("q:mattered_most:n") ? agg.at("q:mattered_most:n") : 0);
}

TEST_F(ConcurrencyTest, RacingAnonymousAnswersFromOneTokenCountOnce) {
  events::v1::UpdateSurveyRequest req;
  req.set_event_id(event_);
  *req.mutable_definition() = DefaultSurvey();
  req.mutable_definition()->set_anonymous(true);
  ASSERT_TRUE(feedback_->UpdateSurvey("org_riverside", req).ok());
  std::vector<std::string> tokens;
  tokens.reserve(kPerThread);
  for (int i = 0; i < kPerThread; ++i) tokens.push_back(Register(event_));
  OpenAt(kNow + kHour);
  std::atomic<int> stored{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  // Every thread tries every token.
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (const std::string& token : tokens) {
        if (Answer(token, {Number("overall", 1 + t % 5)}).ok()) stored++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(stored.load(), kPerThread);
  // While the survey is open the figures hold whole batches (releases raced between the
  // threads, each batch added once); the rest is held until it closes.
  auto survey = store_->Get(event_);
  ASSERT_TRUE(survey.ok()) << survey.status();
  EXPECT_EQ(survey->responses + survey->held, kPerThread);
  // A batch was released once 10 were held (at least 5 of them), and 5 always stay held.
  EXPECT_GE(survey->responses, 5);
  EXPECT_GE(survey->held, 5);
  EXPECT_EQ(Aggregates(event_), Recount(event_));
  CloseAndRelease(event_);
  const auto agg = Aggregates(event_);
  EXPECT_EQ(agg.at("n"), kPerThread);
  EXPECT_EQ(agg, Recount(event_));
}

}  // namespace
}  // namespace events::feedback
