// Anonymous surveys: one response per registration, and nothing in Redis links a response
// to the person who gave it.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/testing/redis_for_test.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/feedback/rules/survey_rules.h"
#include "tests/feedback/feedback_test_support.h"

namespace events::feedback {
namespace {

using testing::Choice;
using ::testing::HasSubstr;
using testing::kHour;
using testing::kNow;
using testing::Number;
using testing::Text;

class AnonymityTest : public testing::FeedbackTest {
 protected:
  // Every string stored under the test's prefix, with the key it is in: key names, hash
  // fields and values, set and zset members and string values. Streams are left to
  // StreamEvents, which decodes them.
  std::vector<std::pair<std::string, std::string>> Everything() {
    std::vector<std::pair<std::string, std::string>> out;
    // Every primary's keys when the test Redis is a cluster.
    {
      for (const std::string& key : ::events::testing::KeysMatching(*redis_, prefix_ + "*")) {
        out.emplace_back(key, key);
        const std::string type = redis::AsString(**redis_->Command({"TYPE", key}));
        std::vector<std::string> read;
        if (type == "hash") read = {"HGETALL", key};
        if (type == "set") read = {"SMEMBERS", key};
        if (type == "zset") read = {"ZRANGE", key, "0", "-1"};
        if (type == "string") read = {"GET", key};
        if (type == "stream") continue;
        auto reply = redis_->Command(read);
        EXPECT_TRUE(reply.ok());
        Flatten(key, **reply, out);
      }
    }
    return out;
  }
  void Flatten(const std::string& key, const redisReply& r,
               std::vector<std::pair<std::string, std::string>>& out) {
    if (redis::IsArray(r)) {
      for (size_t i = 0; i < redis::ArraySize(r); ++i) Flatten(key, redis::ArrayAt(r, i), out);
    } else {
      out.emplace_back(key, redis::AsString(r));
    }
  }
};

TEST_F(AnonymityTest, NoStoredLinkFromAResponseToThePerson) {
  events::v1::UpdateSurveyRequest req;
  req.set_event_id(event_);
  *req.mutable_definition() = DefaultSurvey();
  req.mutable_definition()->set_anonymous(true);
  ASSERT_TRUE(feedback_->UpdateSurvey("org_riverside", req).ok());
  std::vector<std::string> tokens;
  tokens.reserve(3);
  for (int i = 0; i < 3; ++i) tokens.push_back(Register(event_));
  ASSERT_TRUE(store_->ApplyAccessRequest(event_, "ar_1", registration_of_[tokens[0]], 4, 1).ok());
  OpenAt(kNow + kHour);
  // The clock moves between answers, so a time-ordered id or timestamp would show it.
  std::vector<int64_t> submitted_at;
  for (const std::string& token : tokens) {
    clock_.Advance(7 * 60 * 1000 + 123);
    submitted_at.push_back(clock_.NowUnixMs());
    auto done = Answer(token, {Number("overall", 4), Choice("access_needs_met", "yes", "fine"),
                               Text("mattered_most", "Being heard")});
    ASSERT_TRUE(done.ok()) << done.status();
    EXPECT_TRUE(done->anonymous());
    EXPECT_FALSE(done->replaced());
  }
  // One response per registration; no edits.
  auto again = Answer(tokens[0], {Number("overall", 1)});
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(again.status().message(), HasSubstr("anonymous"));
  auto mine = feedback_->GetMine(tokens[0]);
  ASSERT_TRUE(mine.ok());
  EXPECT_TRUE(mine->responded());
  EXPECT_FALSE(mine->can_submit());
  EXPECT_EQ(mine->answers_size(), 0);
  // Held, sealed, until the survey closes (three are fewer than two groups of five).
  EXPECT_EQ(Aggregates(event_).count("n"), 0u);
  CloseAndRelease(event_);
  EXPECT_EQ(Aggregates(event_).at("n"), 3);
  EXPECT_EQ(Aggregates(event_).at("x:fulfilled:yes"), 1);

  // Registration ids appear only in the projections feedback keeps from registration and
  // accessibility and in the invitations; tokens nowhere.
  const std::string e = store_->EventPrefix(event_);
  const std::set<std::string> allowed = {e + "r", e + "inv", e + "ar"};
  std::set<std::string> ids;
  for (const auto& [token, id] : registration_of_) ids.insert(id);
  int seen_in_projections = 0;
  const auto everything = Everything();
  EXPECT_GT(everything.size(), 20u);
  for (const auto& [key, value] : everything) {
    for (const auto& [token, id] : registration_of_) {
      EXPECT_EQ(value.find(token), std::string::npos) << key;
      if (value.find(id) == std::string::npos) continue;
      ++seen_in_projections;
      const bool projection = allowed.count(key) > 0 || key.rfind(e + "a:", 0) == 0;
      EXPECT_TRUE(projection) << "registration id " << id << " stored in " << key;
    }
  }
  // The scan does see ids where they belong (the projection of registrations).
  EXPECT_GE(seen_in_projections, 3);

  // The stream, entry by entry: registration ids only in invitations (one per person, sent
  // when the survey opened), and no event at all for an anonymous response (its entry id and
  // time would date it to the millisecond).
  auto stream = redis_->Command({"XRANGE", keys_->Stream(keys_->PartitionOf(event_)), "-", "+"});
  ASSERT_TRUE(stream.ok());
  int invitations = 0;
  for (size_t i = 0; i < redis::ArraySize(**stream); ++i) {
    const auto& fields = redis::ArrayAt(redis::ArrayAt(**stream, i), 1);
    std::vector<std::pair<std::string, std::string>> pairs;
    for (size_t f = 0; f + 1 < redis::ArraySize(fields); f += 2) {
      pairs.emplace_back(redis::AsString(redis::ArrayAt(fields, f)),
                         redis::AsString(redis::ArrayAt(fields, f + 1)));
    }
    auto entry = bus::FromStreamFields(pairs);
    ASSERT_TRUE(entry.ok()) << entry.status();
    EXPECT_NE(entry->type(), "feedback.response_submitted");
    const std::string serialized = entry->SerializeAsString();
    for (const auto& [token, id] : registration_of_) {
      EXPECT_EQ(serialized.find(token), std::string::npos) << entry->type();
      if (serialized.find(id) == std::string::npos) continue;
      EXPECT_EQ(entry->type(), "feedback.invitation_due") << "registration id in " << entry->type();
      events::v1::FeedbackInvitationDue due;
      ASSERT_TRUE(due.ParseFromString(entry->data()));
      EXPECT_EQ(due.registration_id(), id);
      ++invitations;
    }
  }
  EXPECT_EQ(invitations, 3);

  // Response ids carry no time: not an IdGenerator id, and not holding the time part an id
  // made at any submission time would have; no stored string holds a submission time.
  std::set<std::string> response_ids;
  for (const char* key : {"resp", "at", "t:mattered_most", "t:access_needs_met"}) {
    auto fields = redis_->Command({"HKEYS", e + key});
    ASSERT_TRUE(fields.ok());
    for (size_t i = 0; i < redis::ArraySize(**fields); ++i) {
      const std::string field = redis::AsString(redis::ArrayAt(**fields, i));
      if (field != RedisFeedbackStore::kUnorderedField) response_ids.insert(field);
    }
  }
  EXPECT_EQ(response_ids.size(), 3u);
  for (const std::string& id : response_ids) {
    EXPECT_FALSE(IsWellFormedId(id, "fr")) << id;
    for (int64_t at : submitted_at) {
      FakeClock then(at);
      const std::string time_part = IdGenerator(then).New("x").substr(2, 10);
      EXPECT_EQ(id.find(time_part), std::string::npos) << id << " holds the time " << at;
    }
  }
  for (const auto& [key, value] : everything) {
    for (int64_t at : submitted_at) {
      EXPECT_EQ(value.find(std::to_string(at)), std::string::npos) << key;
    }
  }
  // Submission times are kept to the day only.
  auto at = redis_->Command({"HGETALL", e + "at"});
  ASSERT_TRUE(at.ok());
  for (size_t i = 0; i + 1 < redis::ArraySize(**at); i += 2) {
    if (redis::AsString(redis::ArrayAt(**at, i)) == RedisFeedbackStore::kUnorderedField) continue;
    EXPECT_EQ(std::stoll(redis::AsString(redis::ArrayAt(**at, i + 1))) % testing::kDay, 0);
  }
}

// The order in which Redis gives back an anonymous survey's responses (HKEYS, HGETALL,
// HVALS of every hash that holds them) carries nothing of the order they were given in.
// Each response is recognised by its text; over 20 responses, a read-back order equal to
// the submission order or its reverse happens by chance with probability 2/20!, so the test
// is not flaky, and it fails whenever Redis keeps insertion order (a listpack).
TEST_F(AnonymityTest, RedisKeepsNoSubmissionOrder) {
  events::v1::UpdateSurveyRequest req;
  req.set_event_id(event_);
  *req.mutable_definition() = DefaultSurvey();
  req.mutable_definition()->set_anonymous(true);
  ASSERT_TRUE(feedback_->UpdateSurvey("org_riverside", req).ok());
  constexpr int kResponses = 20;
  std::vector<std::string> tokens;
  tokens.reserve(kResponses);
  for (int i = 0; i < kResponses; ++i) tokens.push_back(Register(event_));
  OpenAt(kNow + kHour);
  std::map<std::string, int> index_of_text;
  for (int i = 0; i < kResponses; ++i) {
    const std::string text = "Reply " + std::to_string(i);
    index_of_text[text] = i;
    auto done = Answer(tokens[i], {Number("overall", 4), Text("mattered_most", text)});
    ASSERT_TRUE(done.ok()) << done.status();
  }
  CloseAndRelease(event_);
  std::vector<int> given(kResponses);
  for (int i = 0; i < kResponses; ++i) given[i] = i;
  const std::vector<int> reversed(given.rbegin(), given.rend());
  auto unordered = [&](const std::vector<int>& order, const std::string& what) {
    ASSERT_EQ(order.size(), given.size()) << what;
    EXPECT_NE(order, given) << what << " lists responses in the order they were given";
    EXPECT_NE(order, reversed) << what << " lists responses in reverse order of submission";
  };
  const std::string e = store_->EventPrefix(event_);

  // The texts, in the order HVALS gives them.
  auto texts = redis_->Command({"HVALS", e + "t:mattered_most"});
  ASSERT_TRUE(texts.ok());
  std::vector<int> text_order;
  for (size_t i = 0; i < redis::ArraySize(**texts); ++i) {
    auto it = index_of_text.find(redis::AsString(redis::ArrayAt(**texts, i)));
    if (it != index_of_text.end()) text_order.push_back(it->second);
  }
  unordered(text_order, "HVALS of the texts");

  // The responses, in the order HGETALL gives them, and their ids in that order.
  auto resp = redis_->Command({"HGETALL", e + "resp"});
  ASSERT_TRUE(resp.ok());
  std::vector<int> response_order;
  std::map<std::string, int> index_of_id;
  for (size_t i = 0; i + 1 < redis::ArraySize(**resp); i += 2) {
    const std::string id = redis::AsString(redis::ArrayAt(**resp, i));
    if (id == RedisFeedbackStore::kUnorderedField) continue;
    events::v1::SubmitResponseRequest stored;
    ASSERT_TRUE(stored.ParseFromString(redis::AsString(redis::ArrayAt(**resp, i + 1))));
    for (const auto& a : stored.answers()) {
      if (a.question_id() != "mattered_most") continue;
      response_order.push_back(index_of_text.at(a.text()));
      index_of_id[id] = index_of_text.at(a.text());
    }
  }
  unordered(response_order, "HGETALL of the responses");

  // The submission days, in the order HKEYS gives their response ids.
  auto at = redis_->Command({"HKEYS", e + "at"});
  ASSERT_TRUE(at.ok());
  std::vector<int> at_order;
  for (size_t i = 0; i < redis::ArraySize(**at); ++i) {
    auto it = index_of_id.find(redis::AsString(redis::ArrayAt(**at, i)));
    if (it != index_of_id.end()) at_order.push_back(it->second);
  }
  unordered(at_order, "HKEYS of the submission days");

  // Why: every such hash is a hash table, never a listpack (which keeps insertion order).
  for (const char* key : {"resp", "at", "t:mattered_most"}) {
    auto encoding = redis_->Command({"OBJECT", "ENCODING", e + key});
    ASSERT_TRUE(encoding.ok());
    EXPECT_EQ(redis::AsString(**encoding), "hashtable") << key;
  }
  // The report and the export still see every response, and nothing of the extra field.
  auto report = feedback_->Report("org_riverside", event_);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->response_count(), kResponses);
  auto rows = store_->ReadResponses(event_);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->size(), static_cast<size_t>(kResponses));
  auto data = store_->ReadReport(event_, req.definition());
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(data->texts["mattered_most"].size(), static_cast<size_t>(kResponses));
}

// The differencing attack on trends: T1 has 5 full responses, T2 has 5 responses of which
// only one answered the rating and the 0-10 question, so T2's report hides them. If the month's
// trend took T2's lone answers, its rating sum and count minus T1's reported ones would give
// them exactly (and the NPS would say "detractor"). A trend takes an event's question only
// when that question has the minimum group of answers in the event.
TEST_F(AnonymityTest, TrendsCannotBeDifferencedAgainstASmallQuestion) {
  auto anonymous = [&](const std::string& event_id) {
    events::v1::UpdateSurveyRequest req;
    req.set_event_id(event_id);
    *req.mutable_definition() = DefaultSurvey();
    req.mutable_definition()->set_anonymous(true);
    // Every question optional, so T2's people may leave the rating out.
    for (auto& q : *req.mutable_definition()->mutable_questions()) q.set_required(false);
    auto updated = feedback_->UpdateSurvey("org_riverside", req);
    ASSERT_TRUE(updated.ok()) << updated.status();
  };
  const std::string t1 = event_;
  const std::string t2 = NewEvent();
  anonymous(t1);
  anonymous(t2);
  std::vector<std::string> first, second;
  for (int i = 0; i < 5; ++i) first.push_back(Register(t1));
  for (int i = 0; i < 9; ++i) second.push_back(Register(t2));
  OpenAt(kNow + kHour);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(Answer(first[i], {Number("overall", 4 + i % 2), Number("recommend", 9)}).ok());
  }
  ASSERT_TRUE(Answer(second[0], {Number("overall", 1), Number("recommend", 2)}).ok());
  for (int i = 1; i < 5; ++i) {
    auto done = Answer(second[i], {Choice("access_needs_met", "yes")});
    ASSERT_TRUE(done.ok()) << done.status();
  }
  // Both surveys close (same window), so every held answer is in the figures.
  CloseAndRelease(t1);
  CloseAndRelease(t2);

  auto report = feedback_->Report("org_riverside", t1);
  ASSERT_TRUE(report.ok()) << report.status();
  const events::v1::QuestionReport* overall = nullptr;
  const events::v1::QuestionReport* recommend = nullptr;
  for (const auto& q : report->questions()) {
    if (q.question_id() == "overall") overall = &q;
    if (q.question_id() == "recommend") recommend = &q;
  }
  ASSERT_NE(overall, nullptr);
  ASSERT_NE(recommend, nullptr);
  ASSERT_EQ(overall->answered(), 5);
  auto hidden = feedback_->Report("org_riverside", t2);
  ASSERT_TRUE(hidden.ok()) << hidden.status();
  EXPECT_EQ(hidden->response_count(), 5);

  events::v1::GetTrendsRequest req;
  auto trends = feedback_->Trends("org_riverside", req);
  ASSERT_TRUE(trends.ok()) << trends.status();
  ASSERT_EQ(trends->months_size(), 1);
  const events::v1::TrendPoint& month = trends->months(0);
  // Both events have the minimum of responses, so both count there...
  EXPECT_EQ(month.responses(), 10);
  // ...but the rating and the 0-10 question are T1's alone: the attacker's differences are
  // zero answers and nothing to read.
  EXPECT_EQ(month.rating_count(), overall->answered());
  EXPECT_EQ(month.recommend_count(), recommend->answered());
  // The counts are a few answers: exact as doubles.
  const double rating_sum_difference =
      month.mean_rating() * static_cast<double>(month.rating_count()) -
      overall->mean() * static_cast<double>(overall->answered());
  EXPECT_NEAR(rating_sum_difference, 0.0, 1e-9);
  EXPECT_DOUBLE_EQ(month.nps(), recommend->nps().score());

  // A question joining the trends whole once it has the minimum group (and leaving them when
  // an edit takes it below) is FeedbackStoreTest.TrendsFollowEachQuestionsCountBothWays.
}

}  // namespace
}  // namespace events::feedback
