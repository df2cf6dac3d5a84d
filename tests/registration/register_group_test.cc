// The register script run for a group of registrations at once (what the gRPC path does
// with the registrations for one event that queue up together) against the same
// registrations one call each, on a real Redis (EVENTS_TEST_REDIS_URL): every answer and
// everything stored must be the same.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/bus/keyspace.h"
#include "common/redis/redis_client.h"
#include "common/testing/redis_for_test.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "services/registration/store/redis_registration_store.h"
#include "tests/registration/registration_test_support.h"

namespace events::registration {
namespace {

using testing::kNow;

constexpr int kPeople = 32;
constexpr int kCapacity = 6;  // 2 reserved for "lived", 4 general

// What one registration came to, with ids made independent of the event.
struct Outcome {
  RegisterOutcome outcome = RegisterOutcome::kCreated;
  int status = 0;
  int64_t sequence = 0;
  int32_t position = 0;
  std::string replay_of, detail, error;
  bool operator==(const Outcome& o) const {
    return outcome == o.outcome && status == o.status && sequence == o.sequence &&
           position == o.position && replay_of == o.replay_of && detail == o.detail &&
           error == o.error;
  }
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  return os << "{outcome " << static_cast<int>(o.outcome) << ", status " << o.status << ", seq "
            << o.sequence << ", position " << o.position << ", replay of '" << o.replay_of
            << "', detail '" << o.detail << "', error '" << o.error << "'}";
}

class RegisterGroupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = events::testing::TestRedisOptions();
    ASSERT_FALSE(HasFailure());
    redis_ = std::make_unique<redis::RedisClient>(options_);
    keys_ = std::make_unique<bus::Keyspace>(events::testing::UniqueKeyPrefix(), 16);
    RedisRegistrationStore::Options store_options;
    store_options.register_senders = 0;  // no queue: the test groups the calls itself
    store_ = std::make_unique<RedisRegistrationStore>(*redis_, *keys_, store_options);
  }

  // A published event of kCapacity places, 2 of them reserved for "lived"; returns the
  // settings version.
  std::string NewEvent(int64_t& settings_version) {
    std::string event = ids_.New("ev");
    EXPECT_TRUE(store_->UpsertFacts(testing::OpenEvent(event, kCapacity)).ok());
    events::v1::RegistrationSettings settings;
    settings.set_event_id(event);
    events::v1::ReservedPool* lived = settings.add_pools();
    lived->set_id("lived");
    lived->set_name("People with lived experience");
    lived->set_places(2);
    absl::StatusOr<int64_t> version = store_->PutSettings(settings, 0, kNow);
    EXPECT_TRUE(version.ok()) << version.status();
    settings_version = version.value_or(0);
    return event;
  }

  // The per-address and per-event rate-limit counters the script above fills.
  std::vector<std::string> LimitKeys(const std::string& event) const {
    const std::string b = store_->EventPrefix(event);
    return {b + "rl:a:10.0.0.9:" + std::to_string(kNow / 60000),
            b + "rl:e:" + std::to_string(kNow / 1000)};
  }

  static std::string IdPrefix(const std::string& event) {
    return absl::StrCat("rg_", event.substr(3), "-");
  }

  // Registration i of the script below, for `event`: places taken and waited for in both
  // pools, companions, repeated e-mails, idempotent retries, rate limits and a stale
  // settings version; several of them next to each other, so inside one group.
  NewRegistration Person(const std::string& event, int64_t settings_version, int i) {
    NewRegistration reg;
    events::v1::Registration& r = reg.registration;
    r.set_id(absl::StrCat(IdPrefix(event), "p", 100 + i));
    r.set_event_id(event);
    r.set_name(absl::StrCat("Person ", i));
    r.set_pool(i % 4 == 0 ? "lived" : "general");
    r.set_created_unix_ms(kNow);
    int same_email_as = i;
    if (i == 5) same_email_as = 2;  // a repeat of an earlier group
    if (i == 9) same_email_as = 8;  // a repeat in the same group
    reg.email_normalised = absl::StrCat("person", same_email_as, "@example.org");
    r.set_email(reg.email_normalised);
    reg.token_hash = std::string(64, static_cast<char>('a' + i % 6));  // 'a'..'f'
    reg.places = (i == 3 || i == 7 || i == 12) ? 2 : 1;
    r.set_companion(reg.places == 2);
    reg.marketing_opt_in = i % 3 == 0;
    reg.settings_version = i == 22 ? settings_version + 1 : settings_version;
    if (i == 10 || i == 11 || i == 13) {
      reg.idempotency_hash = "k1";
      reg.fingerprint = i == 13 ? "another request" : "the request";
      reg.encrypted_token = absl::StrCat("sealed-", i);
    }
    if (i >= 14 && i <= 18) {
      reg.client_address = "10.0.0.9";
      reg.limit_per_address_per_minute = 3;
    }
    if (i >= 19 && i <= 21) reg.limit_per_event_per_second = 2;
    return reg;
  }

  Outcome Read(const absl::StatusOr<RegisterResult>& r, const std::string& event) {
    Outcome o;
    if (!r.ok()) {
      o.error = r.status().ToString();
      return o;
    }
    o.outcome = r->outcome;
    o.status = static_cast<int>(r->status);
    o.sequence = r->sequence;
    o.position = r->waitlist_position;
    o.replay_of = Strip(r->replay_id, event);
    o.detail = r->detail;
    return o;
  }

  static std::string Strip(const std::string& id, const std::string& event) {
    const std::string prefix = IdPrefix(event);
    return id.rfind(prefix, 0) == 0 ? id.substr(prefix.size()) : id;
  }

  // Everything the registrations left in Redis, with ids made independent of the event.
  std::map<std::string, std::vector<std::string>> State(const std::string& event) {
    std::map<std::string, std::vector<std::string>> state;
    const std::string b = store_->EventPrefix(event);
    auto read = [&](const std::string& name, const std::vector<std::string>& command) {
      auto reply = redis_->Command(command);
      EXPECT_TRUE(reply.ok()) << reply.status();
      if (!reply.ok()) return;
      std::vector<std::string>& out = state[name];
      for (size_t i = 0; i < redis::ArraySize(**reply); ++i) {
        out.push_back(Strip(redis::AsString(redis::ArrayAt(**reply, i)), event));
      }
    };
    read("counts", {"HGETALL", b + "counts"});
    std::sort(state["counts"].begin(), state["counts"].end());
    read("emails", {"HVALS", b + "emails"});
    std::sort(state["emails"].begin(), state["emails"].end());
    for (const char* z : {"all", "st:1", "st:2", "st:3", "pool:general", "pool:lived",
                          "wait:general", "wait:lived"}) {
      read(z, {"ZRANGE", b + z, "0", "-1", "WITHSCORES"});
    }
    read("idem", {"HGETALL", b + "idem:k1"});
    for (int i = 0; i < kPeople; ++i) {
      const std::string id = absl::StrCat(IdPrefix(event), "p", 100 + i);
      read(absl::StrCat("reg ", i), {"HMGET", store_->RegistrationPrefix(event) + id, "status",
                                     "pool", "seat", "places", "seq", "email", "marketing"});
      // Its history: "registered", with the status it got (docs/registration.md, History).
      read(absl::StrCat("history ", i),
           {"LRANGE", store_->RegistrationPrefix(event) + id + ":history", "0", "-1"});
    }
    // The rate-limit counters.
    for (const std::string& key : LimitKeys(event)) read(key.substr(b.size()), {"GET", key});
    // The domain events of this event, in stream order: type and registration.
    auto stream = redis_->Command({"XRANGE", keys_->Stream(keys_->PartitionOf(event)), "-", "+"});
    EXPECT_TRUE(stream.ok());
    if (stream.ok()) {
      for (size_t i = 0; i < redis::ArraySize(**stream); ++i) {
        const redisReply& fields = redis::ArrayAt(redis::ArrayAt(**stream, i), 1);
        std::string type, subject;
        for (size_t f = 0; f + 1 < redis::ArraySize(fields); f += 2) {
          const std::string name = redis::AsString(redis::ArrayAt(fields, f));
          if (name == "type") type = redis::AsString(redis::ArrayAt(fields, f + 1));
          if (name == "subject") subject = redis::AsString(redis::ArrayAt(fields, f + 1));
        }
        if (subject.rfind(IdPrefix(event), 0) == 0) {
          state["stream"].push_back(type + " " + Strip(subject, event));
        }
      }
    }
    return state;
  }

  redis::RedisOptions options_;
  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<bus::Keyspace> keys_;
  std::unique_ptr<RedisRegistrationStore> store_;
  FakeClock clock_{kNow};
  IdGenerator ids_{clock_};
};

TEST_F(RegisterGroupTest, AGroupAnswersAndStoresExactlyWhatOneCallEachWould) {
  int64_t version_one = 0, version_group = 0;
  const std::string one = NewEvent(version_one);
  const std::string grouped = NewEvent(version_group);
  ASSERT_FALSE(HasFailure());

  std::vector<Outcome> singly, together;
  for (int i = 0; i < kPeople; ++i) {
    singly.push_back(Read(store_->Register(Person(one, version_one, i), kNow), one));
  }
  // Groups of 1, 4, 7, 3, 9 and 8: repeats, retries and limits fall inside groups.
  int next = 0;
  for (int size : {1, 4, 7, 3, 9, 8}) {
    std::vector<NewRegistration> group;
    group.reserve(static_cast<size_t>(size));
    for (int k = 0; k < size; ++k) group.push_back(Person(grouped, version_group, next + k));
    auto answers = store_->RegisterGroup(group, kNow);
    ASSERT_TRUE(answers.ok()) << answers.status();
    ASSERT_EQ(answers->size(), group.size());
    for (const auto& a : *answers) together.push_back(Read(a, grouped));
    next += size;
  }
  ASSERT_EQ(next, kPeople);

  for (int i = 0; i < kPeople; ++i) EXPECT_EQ(together[i], singly[i]) << "registration " << i;
  EXPECT_EQ(State(grouped), State(one));
  // A rate-limit counter made by a group expires like one made by a single call.
  for (const std::string& event : {one, grouped}) {
    for (const std::string& key : LimitKeys(event)) {
      auto ttl = redis_->Command({"PTTL", key});
      ASSERT_TRUE(ttl.ok()) << ttl.status();
      EXPECT_GT(redis::AsInt(**ttl), 0) << key << " has no expiry";
    }
  }

  // And what they came to is what the rules say (so the comparison is not of two wrongs).
  std::map<RegisterOutcome, int> kinds;
  int places = 0;
  for (const Outcome& o : singly) {
    ++kinds[o.outcome];
    if (o.outcome == RegisterOutcome::kCreated && o.status == 1) ++places;
  }
  EXPECT_EQ(singly[5].outcome, RegisterOutcome::kDuplicate);
  EXPECT_EQ(singly[9].outcome, RegisterOutcome::kDuplicate);
  EXPECT_EQ(singly[11].outcome, RegisterOutcome::kReplay);
  EXPECT_EQ(singly[11].replay_of, "p110");
  EXPECT_EQ(singly[13].outcome, RegisterOutcome::kIdempotencyMismatch);
  EXPECT_EQ(kinds[RegisterOutcome::kRateLimitedAddress], 2);  // 17 and 18
  EXPECT_EQ(kinds[RegisterOutcome::kRateLimitedEvent], 1);    // 21
  EXPECT_EQ(singly[22].outcome, RegisterOutcome::kSettingsChanged);
  EXPECT_GT(places, 0);
  EXPECT_GT(kinds[RegisterOutcome::kCreated], places);  // some wait
  // Waiting positions count 1, 2, 3... per pool in server order.
  std::map<std::string, int> last_position;
  for (int i = 0; i < kPeople; ++i) {
    if (singly[i].outcome != RegisterOutcome::kCreated || singly[i].status != 2) continue;
    const std::string pool = i % 4 == 0 ? "lived" : "general";
    EXPECT_EQ(singly[i].position, ++last_position[pool]) << "registration " << i;
  }
}

TEST_F(RegisterGroupTest, AGroupIsForOneEvent) {
  int64_t v1 = 0, v2 = 0;
  const std::string a = NewEvent(v1);
  const std::string b = NewEvent(v2);
  auto answers = store_->RegisterGroup({Person(a, v1, 1), Person(b, v2, 2)}, kNow);
  EXPECT_EQ(answers.status().code(), absl::StatusCode::kInvalidArgument) << answers.status();
  // Nothing was registered.
  EXPECT_EQ(State(a)["all"].size(), 0u);
  EXPECT_EQ(State(b)["all"].size(), 0u);
  auto none = store_->RegisterGroup({}, kNow);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace events::registration
