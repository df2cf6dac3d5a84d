// Privacy at rest, checked on the real Redis: details are never stored in plain text, and
// after erasure or the retention time their ciphertext is gone too, both from the keys
// (scanned) and from a fresh RDB dump (searched).
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/bus/keyspace.h"
#include "common/redis/redis_client.h"
#include "common/testing/redis_for_test.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "gtest/gtest.h"
#include "services/accessibility/domain/access_desk.h"
#include "services/accessibility/store/redis_accessibility_store.h"
#include "services/accessibility/worker/job_worker.h"
#include "tests/accessibility/accessibility_test_support.h"

namespace events::accessibility {
namespace {

using namespace testing;  // NOLINT: the test support constants

class PrivacyRedisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    redis::RedisOptions options = events::testing::TestRedisOptions();
    ASSERT_FALSE(HasFailure());
    redis_ = std::make_unique<redis::RedisClient>(options);
    prefix_ = events::testing::UniqueKeyPrefix();
    keys_ = std::make_unique<bus::Keyspace>(prefix_, 16);
    store_ = std::make_unique<RedisAccessibilityStore>(*redis_, *keys_,
                                                       RedisAccessibilityStore::Options{});
    event_ = ids_.New("ev");
    events_.Put(Webinar(event_, "org_riverside"));
    desk_ = std::make_unique<AccessDesk>(*store_, events_, registrations_, cipher_, clock_, ids_);
    // A detail string no other test writes.
    secret_ = absl::StrCat("uses a wheelchair and needs ", RandomToken(12));
  }

  std::string Submit(const std::string& token) {
    events::v1::SubmitRequestRequest r;
    r.set_registration_token(token);
    r.add_needs("step_free_access");
    r.mutable_details()->set_details(secret_);
    r.mutable_details()->set_contact_method(events::v1::CONTACT_METHOD_PHONE);
    r.mutable_details()->set_contact_value("07700 900123");
    r.set_consent(true);
    auto out = desk_->Submit(r);
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? out->id() : "";
  }

  // Every key name and value under the test's prefix, as one string (streams left out when
  // `with_streams` is false).
  std::string EverythingStored(bool with_streams = true) {
    std::string all;
    // Every primary's keys when the test Redis is a cluster.
    {
      for (const std::string& key : ::events::testing::KeysMatching(*redis_, prefix_ + "*")) {
        auto type = redis_->Command({"TYPE", key});
        EXPECT_TRUE(type.ok());
        if (!type.ok()) continue;
        const std::string t = redis::AsString(**type);
        if (t == "stream" && !with_streams) continue;
        all += key;
        std::vector<std::string> read =
            t == "hash"     ? std::vector<std::string>{"HGETALL", key}
            : t == "list"   ? std::vector<std::string>{"LRANGE", key, "0", "-1"}
            : t == "zset"   ? std::vector<std::string>{"ZRANGE", key, "0", "-1"}
            : t == "set"    ? std::vector<std::string>{"SMEMBERS", key}
            : t == "stream" ? std::vector<std::string>{"XRANGE", key, "-", "+"}
                            : std::vector<std::string>{"GET", key};
        auto value = redis_->Command(read);
        EXPECT_TRUE(value.ok());
        if (!value.ok()) continue;
        Flatten(**value, all);
      }
    }
    return all;
  }
  static void Flatten(const redisReply& r, std::string& out) {
    if (redis::IsArray(r)) {
      for (size_t i = 0; i < redis::ArraySize(r); ++i) Flatten(redis::ArrayAt(r, i), out);
    } else {
      out += redis::AsString(r);
    }
  }

  // True when any 8 consecutive bytes of `needle` occur in `haystack`. An RDB file may
  // compress a small hash as a whole (LZF), which splits long values into literal runs of
  // up to 32 bytes, so whole values cannot be searched for; 8-byte windows survive, and a
  // random 8 bytes turn up elsewhere by chance about never.
  static bool AnyWindowIn(const std::string& haystack, const std::string& needle) {
    for (size_t i = 0; i + 8 <= needle.size(); ++i) {
      if (haystack.find(needle.substr(i, 8)) != std::string::npos) return true;
    }
    return false;
  }

  // SAVE, then the RDB file's bytes; nullopt (with the reason) when the test Redis does not
  // allow it.
  std::optional<std::string> FreshRdb(std::string& why) {
    if (::events::testing::TestRedisIsCluster()) {
      why = "on a Redis Cluster each node dumps only its own keys (the single-Redis runs check it)";
      return std::nullopt;
    }
    auto saved = redis_->Command({"SAVE"});
    auto dir = redis_->Command({"CONFIG", "GET", "dir"});
    auto file = redis_->Command({"CONFIG", "GET", "dbfilename"});
    if (!saved.ok() || !dir.ok() || !file.ok() || redis::ArraySize(**dir) != 2 ||
        redis::ArraySize(**file) != 2) {
      why = "the test Redis refuses SAVE or CONFIG GET";
      return std::nullopt;
    }
    const std::string path = redis::AsString(redis::ArrayAt(**dir, 1)) + "/" +
                             redis::AsString(redis::ArrayAt(**file, 1));
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      why = "the RDB file " + path + " cannot be read from here (another machine?)";
      return std::nullopt;
    }
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  std::string Ciphertext(const std::string& request_id) {
    auto reply = redis_->Command(
        {"HGET", store_->PartitionPrefix(request_id) + "r:" + request_id, "sealed"});
    EXPECT_TRUE(reply.ok());
    return reply.ok() ? redis::AsString(**reply) : "";
  }

  std::unique_ptr<redis::RedisClient> redis_;
  std::string prefix_;
  std::unique_ptr<bus::Keyspace> keys_;
  std::unique_ptr<RedisAccessibilityStore> store_;
  FakeEventDirectory events_;
  FakeRegistrationDirectory registrations_;
  DetailCipher cipher_{{"k1", std::string(32, 'k')}};
  FakeClock clock_{kNow};
  IdGenerator ids_{clock_};
  std::unique_ptr<AccessDesk> desk_;
  std::string event_, secret_;
};

TEST_F(PrivacyRedisTest, DetailsAreNeverStoredInPlainText) {
  const std::string id = Submit(registrations_.Register(event_));
  const std::string stored = EverythingStored();
  EXPECT_FALSE(stored.empty());
  EXPECT_FALSE(absl::StrContains(stored, secret_));
  EXPECT_FALSE(absl::StrContains(stored, "07700 900123"));
  const std::string sealed = Ciphertext(id);
  EXPECT_GT(sealed.size(), secret_.size());
  EXPECT_TRUE(absl::StrContains(stored, sealed));
  auto key_id = redis_->Command({"HGET", store_->PartitionPrefix(id) + "r:" + id, "key_id"});
  ASSERT_TRUE(key_id.ok());
  EXPECT_EQ(redis::AsString(**key_id), "k1");
}

TEST_F(PrivacyRedisTest, ErasureRemovesTheDetailsFromKeysAndFromTheRdbDump) {
  const std::string token = registrations_.Register(event_);
  const std::string id = Submit(token);
  const std::string sealed = Ciphertext(id);
  ASSERT_FALSE(sealed.empty());
  // The search works: a plain marker and the ciphertext are in a fresh dump.
  const std::string marker = prefix_ + "marker";
  ASSERT_TRUE(redis_->Command({"SET", marker, "plain-" + secret_}).ok());
  std::string why;
  std::optional<std::string> before = FreshRdb(why);
  if (!before.has_value()) GTEST_SKIP() << why;
  EXPECT_TRUE(absl::StrContains(*before, "plain-" + secret_));
  EXPECT_TRUE(AnyWindowIn(*before, sealed));
  ASSERT_TRUE(redis_->Command({"DEL", marker}).ok());

  ASSERT_TRUE(desk_->EraseMine(token).ok());
  EXPECT_TRUE(Ciphertext(id).empty());
  const std::string stored = EverythingStored();
  EXPECT_FALSE(absl::StrContains(stored, sealed));
  EXPECT_FALSE(absl::StrContains(stored, secret_));
  std::optional<std::string> after = FreshRdb(why);
  ASSERT_TRUE(after.has_value()) << why;
  EXPECT_FALSE(AnyWindowIn(*after, sealed));
  EXPECT_FALSE(absl::StrContains(*after, secret_));
}

TEST_F(PrivacyRedisTest, RetentionRemovesTheDetailsFromKeysAndFromTheRdbDump) {
  const std::string first = Submit(registrations_.Register(event_));
  const std::string second = Submit(registrations_.Register(event_));
  const std::string sealed_first = Ciphertext(first), sealed_second = Ciphertext(second);
  clock_.Set(kStart + int64_t{90} * 60000 + 30 * kDay);
  auto fired = JobWorker(*desk_).RunOnce();
  ASSERT_TRUE(fired.ok()) << fired.status();
  EXPECT_GE(*fired, 1);
  EXPECT_TRUE(Ciphertext(first).empty());
  EXPECT_TRUE(Ciphertext(second).empty());
  const std::string stored = EverythingStored();
  EXPECT_FALSE(absl::StrContains(stored, sealed_first));
  EXPECT_FALSE(absl::StrContains(stored, sealed_second));
  std::string why;
  std::optional<std::string> rdb = FreshRdb(why);
  if (!rdb.has_value()) GTEST_SKIP() << why;
  EXPECT_FALSE(AnyWindowIn(*rdb, sealed_first));
  EXPECT_FALSE(AnyWindowIn(*rdb, sealed_second));
  EXPECT_FALSE(absl::StrContains(*rdb, secret_));
  // Statuses and needs stay for the coordinators' history (and the counts).
  events::v1::ListRequestsRequest list;
  list.set_event_id(event_);
  auto listed = desk_->List({"org_riverside", "k", "Kit Coordinator"}, list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->requests_size(), 2);
  EXPECT_EQ(listed->requests(0).needs(0).need(), "step_free_access");
}

TEST_F(PrivacyRedisTest, ErasureLeavesTheRegistrationIdOnlyInStreamEntries) {
  const std::string token = registrations_.Register(event_);
  const std::string registration = registrations_.Verify(token)->registration_id;
  // A withdrawn request, then a new one, of the same registration.
  Submit(token);
  ASSERT_TRUE(desk_->WithdrawMine(token).ok());
  Submit(token);
  // Another attendee's request keeps its link.
  const std::string other = registrations_.Register(event_);
  Submit(other);
  ASSERT_TRUE(absl::StrContains(EverythingStored(false), registration));

  ASSERT_TRUE(desk_->EraseMine(token).ok());
  const std::string stored = EverythingStored(false);
  EXPECT_FALSE(absl::StrContains(stored, registration));
  EXPECT_FALSE(absl::StrContains(stored, secret_));
  EXPECT_TRUE(absl::StrContains(stored, registrations_.Verify(other)->registration_id));
}

}  // namespace
}  // namespace events::accessibility

namespace events::accessibility {
namespace {

// The audit log is never trimmed: with a (small, for the test) maximum reached, a read of
// details is refused rather than made without its entry or at the cost of an older one.
TEST_F(PrivacyRedisTest, AFullAuditLogRefusesReadsAndLosesNoEntry) {
  RedisAccessibilityStore::Options options;
  options.audit_max_entries = 3;
  RedisAccessibilityStore small(*redis_, *keys_, options);
  AccessDesk desk(small, events_, registrations_, cipher_, clock_, ids_);
  const std::string id = Submit(registrations_.Register(event_));
  const Staff coordinator{"org_riverside", "key_coord", "Cora Coordinator"};
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(desk.Read(coordinator, id, "GetRequest").ok()) << i;
  }
  for (int i = 0; i < 5; ++i) {
    auto refused = desk.Read(coordinator, id, "GetRequest");
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_TRUE(absl::StrContains(refused.status().message(), "ACCESSIBILITY_AUDIT_MAX_ENTRIES"))
        << refused.status();
  }
  auto log = desk.Audit(coordinator, {});
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_EQ(log->entries_size(), 3);
  // Archived and trimmed by the operator (as docs/accessibility.md says): reads go on.
  const std::string stream = keys_->Global("acc:org:org_riverside:audit");
  auto last = redis_->Command({"XREVRANGE", stream, "+", "-", "COUNT", "1"});
  ASSERT_TRUE(last.ok());
  const std::string last_id = redis::AsString(redis::ArrayAt(redis::ArrayAt(**last, 0), 0));
  ASSERT_TRUE(redis_->Command({"XTRIM", stream, "MINID", last_id}).ok());
  EXPECT_TRUE(desk.Read(coordinator, id, "GetRequest").ok());
  EXPECT_EQ(desk.Audit(coordinator, {})->entries_size(), 2);
}

}  // namespace
}  // namespace events::accessibility
