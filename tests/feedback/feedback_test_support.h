#pragma once

// Feedback on a real Redis, with scheduling and registration replaced by fakes the test
// fills in, and an injected clock.

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/bus/event_bus.h"
#include "common/bus/keyspace.h"
#include "common/redis/redis_client.h"
#include "common/testing/domain_event_check.h"
#include "common/testing/redis_for_test.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "events/v1/domain_events.pb.h"
#include "events/v1/registration.pb.h"
#include "gtest/gtest.h"
#include "services/feedback/domain/feedback.h"
#include "services/feedback/peers/directories.h"
#include "services/feedback/peers/grpc_directories.h"
#include "services/feedback/store/redis_feedback_store.h"
#include "services/feedback/worker/window_worker.h"

namespace events::feedback::testing {

// 2026-01-15T12:00:00Z.
inline constexpr int64_t kNow = 1768478400000;
inline constexpr int64_t kHour = 3600000;
inline constexpr int64_t kDay = 86400000;
// The anonymity key the tests' Feedback holds (FEEDBACK_ANONYMITY_KEY in production).
inline constexpr char kMarkerKey[] = "test-anonymity-key-0123456789abcdef";

class FakeEvents final : public EventDirectory {
 public:
  void Put(const EventFacts& f) {
    std::lock_guard<std::mutex> lock(mu_);
    events_[f.event_id] = f;
  }
  absl::StatusOr<EventFacts> Fetch(const std::string& event_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = events_.find(event_id);
    if (it == events_.end()) return absl::NotFoundError("event " + event_id + " not found");
    return it->second;
  }

 private:
  std::mutex mu_;
  std::map<std::string, EventFacts> events_;
};

class FakeRegistrations final : public RegistrationDirectory {
 public:
  void Put(const std::string& token, const AttendeeRegistration& r) {
    std::lock_guard<std::mutex> lock(mu_);
    by_token_[token] = r;
  }
  absl::StatusOr<AttendeeRegistration> Verify(const std::string& token) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = by_token_.find(token);
    if (it == by_token_.end()) return absl::NotFoundError("no registration matches this token");
    return it->second;
  }

 private:
  std::mutex mu_;
  std::map<std::string, AttendeeRegistration> by_token_;
};

// Fires the survey jobs of every partition due at `when` (at most `batch` each), as a window
// worker whose clock reads `when` does. Returns how many surveys opened or closed.
inline absl::StatusOr<int> FireDue(FeedbackStore& store, int64_t when, int batch = 100) {
  FakeClock at(when);
  WindowWorkerOptions options;
  options.batch = batch;
  return WindowWorker(store, at, options).RunOnce();
}

inline events::v1::FeedbackAnswer Number(const std::string& q, int n) {
  events::v1::FeedbackAnswer a;
  a.set_question_id(q);
  a.set_number(n);
  return a;
}
inline events::v1::FeedbackAnswer Choice(const std::string& q, const std::string& id,
                                         const std::string& comment = "") {
  events::v1::FeedbackAnswer a;
  a.set_question_id(q);
  a.add_choice_ids(id);
  a.set_comment(comment);
  return a;
}
inline events::v1::FeedbackAnswer Text(const std::string& q, const std::string& text) {
  events::v1::FeedbackAnswer a;
  a.set_question_id(q);
  a.set_text(text);
  return a;
}

// Every entry of one stream, oldest first: its id and the domain event it holds.
inline std::vector<std::pair<std::string, events::v1::DomainEvent>> StreamEntries(
    redis::RedisClient& redis, const std::string& stream) {
  std::vector<std::pair<std::string, events::v1::DomainEvent>> out;
  auto reply = redis.Command({"XRANGE", stream, "-", "+"});
  EXPECT_TRUE(reply.ok());
  if (!reply.ok()) return out;
  for (size_t i = 0; i < redis::ArraySize(**reply); ++i) {
    const auto& entry = redis::ArrayAt(**reply, i);
    const auto& fields = redis::ArrayAt(entry, 1);
    std::vector<std::pair<std::string, std::string>> pairs;
    for (size_t f = 0; f + 1 < redis::ArraySize(fields); f += 2) {
      pairs.emplace_back(redis::AsString(redis::ArrayAt(fields, f)),
                         redis::AsString(redis::ArrayAt(fields, f + 1)));
    }
    auto e = bus::FromStreamFields(pairs);
    EXPECT_TRUE(e.ok()) << e.status();
    if (e.ok()) out.emplace_back(redis::AsString(redis::ArrayAt(entry, 0)), *std::move(e));
  }
  return out;
}

class FeedbackTest : public ::testing::Test {
 protected:
  // Every domain event the test made a script emit parses as its .proto says.
  void TearDown() override {
    if (redis_ != nullptr && keys_ != nullptr) {
      events::testing::ExpectSoundDomainEvents(*redis_, *keys_, "feedback");
    }
  }

  void SetUp() override {
    redis::RedisOptions options = events::testing::TestRedisOptions();
    ASSERT_FALSE(HasFailure());
    options.pool_size = 16;
    redis_ = std::make_unique<redis::RedisClient>(options);
    prefix_ = events::testing::UniqueKeyPrefix();
    keys_ = std::make_unique<bus::Keyspace>(prefix_, 4);
    store_ = std::make_unique<RedisFeedbackStore>(*redis_, *keys_, RedisFeedbackStore::Options{});
    MakeFeedback({});
    event_ = NewEvent();
  }

  void MakeFeedback(FeedbackOptions options) {
    if (options.marker_key.empty()) options.marker_key = kMarkerKey;
    feedback_ = std::make_unique<Feedback>(*store_, events_, registrations_, clock_, ids_, options);
  }

  // A published event of org_riverside that ends an hour after kNow.
  std::string NewEvent(const std::string& org = "org_riverside", const std::string& series = "") {
    std::string id = ids_.New("ev");
    events_.Put(FactsOf(id, org, series, events::v1::EVENT_STATUS_PUBLISHED, kNow + kHour,
                        "Europe/London", 2));
    return id;
  }
  // Loads the event's facts into the store (as GetSurvey would).
  void Know(const std::string& event_id) {
    auto s = feedback_->GetSurvey("org_riverside", event_id);
    ASSERT_TRUE(s.ok()) << s.status();
  }

  // A registration of the event, projected as registration's events would, with a token.
  std::string Register(const std::string& event_id, int status = 1, bool attended = false) {
    const std::string id = ids_.New("rg");
    EXPECT_TRUE(store_->ApplyRegistration(event_id, id, status, attended, 1, kNow).ok());
    AttendeeRegistration r;
    r.registration_id = id;
    r.event_id = event_id;
    r.status = status;
    r.attended = attended;
    std::string token = id + ".secret" + std::to_string(++tokens_);
    registrations_.Put(token, r);
    registration_of_[token] = id;
    return token;
  }

  void OpenAt(int64_t when) {
    clock_.Set(when);
    auto fired = FireDue(*store_, when);
    ASSERT_TRUE(fired.ok()) << fired.status();
  }

  // Closes the event's survey as the window worker does when its window is over: the clock
  // at the closing time, the close job fired, and the anonymous answers still held added to
  // the figures.
  void CloseAndRelease(const std::string& event_id) {
    auto survey = store_->Get(event_id);
    ASSERT_TRUE(survey.ok()) << survey.status();
    clock_.Set(std::max(clock_.NowUnixMs(), survey->closes_unix_ms));
    WindowWorkerOptions options;
    options.batches = &feedback_->batches();
    WindowWorker worker(*store_, clock_, options);
    auto fired = worker.RunOnce();
    ASSERT_TRUE(fired.ok()) << fired.status();
    survey = store_->Get(event_id);
    ASSERT_TRUE(survey.ok()) << survey.status();
    ASSERT_EQ(survey->state, events::v1::SURVEY_STATE_CLOSED);
    ASSERT_EQ(survey->held, 0) << "answers still held after the survey closed";
  }

  absl::StatusOr<events::v1::SubmitResponseResponse> Answer(
      const std::string& token, std::vector<events::v1::FeedbackAnswer> answers) {
    events::v1::SubmitResponseRequest req;
    req.set_registration_token(token);
    for (auto& a : answers) *req.add_answers() = std::move(a);
    return feedback_->Submit(req);
  }

  // The domain events of the event's partition stream, of one type.
  std::vector<events::v1::DomainEvent> Events(const std::string& event_id,
                                              const std::string& type) {
    std::vector<events::v1::DomainEvent> out;
    for (auto& [id, e] : StreamEntries(*redis_, keys_->Stream(keys_->PartitionOf(event_id)))) {
      if (e.type() == type) out.push_back(std::move(e));
    }
    return out;
  }

  std::map<std::string, int64_t> Aggregates(const std::string& event_id) {
    std::map<std::string, int64_t> out;
    auto reply = redis_->Command({"HGETALL", store_->EventPrefix(event_id) + "agg"});
    EXPECT_TRUE(reply.ok());
    for (size_t i = 0; reply.ok() && i + 1 < redis::ArraySize(**reply); i += 2) {
      const int64_t v = redis::AsInt(redis::ArrayAt(**reply, i + 1));
      if (v != 0) out[redis::AsString(redis::ArrayAt(**reply, i))] = v;
    }
    return out;
  }

  std::unique_ptr<redis::RedisClient> redis_;
  std::string prefix_;
  std::unique_ptr<bus::Keyspace> keys_;
  std::unique_ptr<RedisFeedbackStore> store_;
  FakeEvents events_;
  FakeRegistrations registrations_;
  FakeClock clock_{kNow};
  IdGenerator ids_{clock_};
  std::unique_ptr<Feedback> feedback_;
  std::string event_;
  int tokens_ = 0;
  std::map<std::string, std::string> registration_of_;
};

}  // namespace events::feedback::testing
