#include <memory>

#include "common/auth/authenticator.h"
#include "common/auth/key_store.h"
#include "common/auth/people_keys.h"
#include "common/bus/keyspace.h"
#include "common/redis/redis_client.h"
#include "common/testing/redis_for_test.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "gtest/gtest.h"

namespace events::auth {
namespace {

TEST(RedisKeyStoreTest, BootstrapThenAuthenticateAgainstRealRedis) {
  redis::RedisClient redis(events::testing::TestRedisOptions());
  bus::Keyspace keys(events::testing::UniqueKeyPrefix(), 16);
  RedisKeyStore store(redis, keys);
  FakeClock clock(1'780'000'000'000);
  IdGenerator ids(clock);

  auto boot = BootstrapOrganisation(store, ids, clock, "Northern Lived Experience Network");
  ASSERT_TRUE(boot.ok()) << boot.status();
  auto org = store.GetOrganisation(boot->org.id);
  ASSERT_TRUE(org.ok()) << org.status();
  EXPECT_EQ(org->name, "Northern Lived Experience Network");
  EXPECT_EQ(org->created_unix_ms, 1'780'000'000'000);
  EXPECT_EQ(store.CreateOrganisation(boot->org).code(), absl::StatusCode::kAlreadyExists);

  Authenticator auth(store);
  auto caller = auth.Authenticate("Bearer " + boot->key.plaintext);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->org_id, boot->org.id);
  EXPECT_TRUE(caller->HasRole(Role::kOrganiser));

  // The plaintext key appears nowhere in Redis.
  for (const std::string& key : ::events::testing::KeysMatching(redis, keys.prefix() + "*")) {
    EXPECT_EQ(key.find(boot->key.plaintext), std::string::npos);
    auto dump = redis.Command({"DUMP", key});
    ASSERT_TRUE(dump.ok());
    EXPECT_EQ(redis::AsString(**dump).find(boot->key.plaintext), std::string::npos);
  }
  EXPECT_EQ(store.GetOrganisation("org_nope").status().code(), absl::StatusCode::kNotFound);
}

// Bootstrapping a name twice used to make a second organisation silently: a re-run of a
// setup script split one organisation's events over two.
TEST(AuthOrganisationNameTest, ASecondBootstrapOfTheSameNameIsRefusedUnlessAllowed) {
  redis::RedisClient redis(events::testing::TestRedisOptions());
  ASSERT_FALSE(::testing::Test::HasFailure());
  bus::Keyspace keys(events::testing::UniqueKeyPrefix(), 16);
  RedisKeyStore store(redis, keys);
  FakeClock clock(1'780'000'000'000);
  IdGenerator ids(clock);

  auto first = BootstrapOrganisation(store, ids, clock, "Riverside Carers Forum");
  ASSERT_TRUE(first.ok()) << first.status();
  for (const char* same : {"Riverside Carers Forum", "  riverside  CARERS\tforum "}) {
    auto again = BootstrapOrganisation(store, ids, clock, same);
    EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists) << same;
    EXPECT_NE(again.status().message().find(first->org.id), absl::string_view::npos)
        << again.status();
    EXPECT_NE(again.status().message().find("--allow-same-name"), absl::string_view::npos);
  }
  auto other = BootstrapOrganisation(store, ids, clock, "Riverside Carers Forum North");
  ASSERT_TRUE(other.ok()) << other.status();

  auto twin = BootstrapOrganisation(store, ids, clock, "Riverside Carers Forum", SameName::kAllow);
  ASSERT_TRUE(twin.ok()) << twin.status();
  EXPECT_NE(twin->org.id, first->org.id);
  // The name still leads to the first organisation.
  auto holder = store.ClaimOrganisationName(OrganisationNameKey("Riverside Carers Forum"),
                                            "org_someone_else", "");
  ASSERT_TRUE(holder.ok()) << holder.status();
  EXPECT_EQ(*holder, first->org.id);
}

// A bootstrap that claimed the name and then stopped (Redis went away) must not lock the
// name for ever.
TEST(AuthOrganisationNameTest, ANameClaimedForAnOrganisationNeverMadeIsTakenOver) {
  redis::RedisClient redis(events::testing::TestRedisOptions());
  ASSERT_FALSE(::testing::Test::HasFailure());
  bus::Keyspace keys(events::testing::UniqueKeyPrefix(), 16);
  RedisKeyStore store(redis, keys);
  FakeClock clock(1'780'000'000'000);
  IdGenerator ids(clock);
  auto stale = store.ClaimOrganisationName(OrganisationNameKey("Elsewhere Trust"), "org_gone", "");
  ASSERT_TRUE(stale.ok()) << stale.status();

  auto boot = BootstrapOrganisation(store, ids, clock, "Elsewhere Trust");
  ASSERT_TRUE(boot.ok()) << boot.status();
  EXPECT_EQ(BootstrapOrganisation(store, ids, clock, "Elsewhere Trust").status().code(),
            absl::StatusCode::kAlreadyExists);
}

// The demo bootstraps with kAllow; a bootstrap of the same name afterwards, without it,
// must still be refused.
TEST(AuthOrganisationNameTest, AnOrganisationMadeWithAllowStillTakesAFreeName) {
  redis::RedisClient redis(events::testing::TestRedisOptions());
  ASSERT_FALSE(::testing::Test::HasFailure());
  bus::Keyspace keys(events::testing::UniqueKeyPrefix(), 16);
  RedisKeyStore store(redis, keys);
  FakeClock clock(1'780'000'000'000);
  IdGenerator ids(clock);
  auto allowed = BootstrapOrganisation(store, ids, clock, "Demo Network", SameName::kAllow);
  ASSERT_TRUE(allowed.ok()) << allowed.status();
  auto again = BootstrapOrganisation(store, ids, clock, "Demo Network");
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_NE(again.status().message().find(allowed->org.id), absl::string_view::npos);
}

TEST(AuthOrganisationNameTest, NameKeyFoldsCaseAndWhiteSpaceOnly) {
  EXPECT_EQ(OrganisationNameKey("  Riverside \t Carers  "), "riverside carers");
  EXPECT_NE(OrganisationNameKey("Riverside Carers"), OrganisationNameKey("Riverside-Carers"));
}

TEST(RedisKeyStoreTest, UnreachableRedisIsUnavailableNotUnauthenticated) {
  redis::RedisClient redis(events::testing::UnreachableRedisOptions(redis::RedisOptions()));
  bus::Keyspace keys("", 16);
  RedisKeyStore store(redis, keys);
  Authenticator auth(store);
  auto caller = auth.Authenticate("Bearer evk_abcdefghijklmnop");
  EXPECT_EQ(caller.status().code(), absl::StatusCode::kUnavailable) << caller.status();
}

}  // namespace
}  // namespace events::auth

namespace events::auth {
namespace {

// The session script against real Redis, with records written as the people service writes
// them (docs/people.md): idle refresh, absolute and idle expiry, removal, pending, sessions
// made before the seen key. The records are written through the admin connection and read
// through the service's: the redis_acl test runs this suite as a service's Redis user, which
// may only read sessions (docs/redis-acl.md), so a script that wrote one would fail here.
class RedisSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_ = std::make_unique<redis::RedisClient>(events::testing::TestRedisOptions());
    admin_ = std::make_unique<redis::RedisClient>(events::testing::TestAdminRedisOptions());
    ASSERT_FALSE(HasFailure());
    keys_ = std::make_unique<bus::Keyspace>(events::testing::UniqueKeyPrefix(), 16);
    store_ = std::make_unique<RedisKeyStore>(*redis_, *keys_);
    auth_ = std::make_unique<Authenticator>(*store_, clock_);
    ASSERT_TRUE(
        admin_
            ->Command({"HSET", MemberKey(*keys_, "mem_1"), "org_id", "org_1", "name", "Amira Khan",
                       "roles", "organiser,access_coordinator", "status", "active"})
            .ok());
    ASSERT_TRUE(admin_->Command({"SADD", Sessions(), Sha256Hex(token_)}).ok());
  }
  // A session made `age` ms ago (last seen then), ending 12 hours after it was made, idle
  // after 30 minutes; its record expires at its end, as people writes it.
  void PutSession(const std::string& pending, const std::string& second_factor, int64_t age = 0) {
    const int64_t made = clock_.NowUnixMs() - age;
    ASSERT_TRUE(
        admin_
            ->Command({"HSET", SessionKey(), "member_id", "mem_1", "org_id", "org_1", "created_ms",
                       std::to_string(made), "expires_ms", std::to_string(made + 12 * kHour),
                       "idle_ms", std::to_string(kIdle), "seen_ms", std::to_string(made),
                       "second_factor", second_factor, "pending", pending})
            .ok());
    ASSERT_TRUE(admin_->Command({"PEXPIRE", SessionKey(), std::to_string(12 * kHour - age)}).ok());
  }
  std::string SessionKey() const { return auth::SessionKey(*keys_, Sha256Hex(token_)); }
  std::string SeenKey() const { return auth::SeenKey(*keys_, Sha256Hex(token_)); }
  std::string Sessions() const { return MemberKey(*keys_, "mem_1") + ":sessions"; }
  int64_t Ttl(const std::string& key) { return redis::AsInt(**redis_->Command({"PTTL", key})); }
  std::string Seen() {
    auto reply = redis_->Command({"GET", SeenKey()});
    return reply.ok() && !redis::IsNil(**reply) ? redis::AsString(**reply) : "";
  }
  // The session record and the member's sessions set, as one text: what only people writes.
  std::string PeoplesPart() {
    auto record = redis_->Command({"HGETALL", SessionKey()});
    auto set = redis_->Command({"SMEMBERS", Sessions()});
    if (!record.ok() || !set.ok()) return "unreadable";
    std::string out;
    for (size_t i = 0; i < redis::ArraySize(**record); ++i) {
      out += redis::AsString(redis::ArrayAt(**record, i)) + " ";
    }
    for (size_t i = 0; i < redis::ArraySize(**set); ++i) {
      out += "| " + redis::AsString(redis::ArrayAt(**set, i));
    }
    return out;
  }
  absl::StatusOr<Caller> Call() { return auth_->Authenticate("Bearer " + token_); }

  static constexpr int64_t kHour = 3'600'000;
  static constexpr int64_t kIdle = int64_t{30} * 60'000;
  static constexpr int64_t kStart = 1'780'000'000'000;
  FakeClock clock_{kStart};
  const std::string token_ = "evs_" + std::string(43, 'Q');
  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<redis::RedisClient> admin_;
  std::unique_ptr<bus::Keyspace> keys_;
  std::unique_ptr<RedisKeyStore> store_;
  std::unique_ptr<Authenticator> auth_;
};

TEST_F(RedisSessionTest, ASessionInUseStaysAndIsRenewedUntilItsAbsoluteEnd) {
  PutSession("0", "1");
  const std::string record = PeoplesPart();
  for (int i = 0; i < 30; ++i) {  // 30 calls, 25 minutes apart: 12.5 hours in all
    clock_.Advance(int64_t{25} * 60'000);
    auto caller = Call();
    if (clock_.NowUnixMs() >= kStart + 12 * kHour) {
      EXPECT_EQ(caller.status().message(), kSessionEndedMessage);
      // Refused, not deleted: the record is people's, and expires by itself at its end.
      EXPECT_EQ(PeoplesPart(), record);
      EXPECT_EQ(Seen(), "ended");
      return;
    }
    ASSERT_TRUE(caller.ok()) << caller.status() << " at call " << i;
    EXPECT_EQ(caller->actor_name, "Amira Khan");
    EXPECT_TRUE(caller->HasRole(Role::kAccessCoordinator));
    // The use is marked on the seen key, with the idle time; the record is left as it was.
    EXPECT_EQ(Seen(), std::to_string(clock_.NowUnixMs()));
    EXPECT_GT(Ttl(SeenKey()), 0);
    EXPECT_LE(Ttl(SeenKey()), kIdle);
    EXPECT_EQ(PeoplesPart(), record);
    EXPECT_GT(Ttl(SessionKey()), kIdle);
  }
  FAIL() << "the session never reached its absolute end";
}

TEST_F(RedisSessionTest, AnIdleSessionEnds) {
  PutSession("0", "0");
  clock_.Advance(kIdle - 1);
  ASSERT_TRUE(Call().ok());
  clock_.Advance(kIdle);
  EXPECT_EQ(Call().status().message(), kSessionEndedMessage);
  EXPECT_EQ(Seen(), "ended");
  // Ended for good: a replica whose clock is behind does not bring it back.
  clock_.Advance(-kIdle);
  EXPECT_EQ(Call().status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(RedisSessionTest, AnUnusedSessionEndsAtItsIdleTimeFromSignIn) {
  PutSession("0", "0");
  clock_.Advance(kIdle);
  EXPECT_EQ(Call().status().message(), kSessionEndedMessage);
}

TEST_F(RedisSessionTest, RemovalAndRoleChangesCountOnTheNextCall) {
  PutSession("0", "0");
  auto before = Call();
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_FALSE(before->HasRole(Role::kAccessCoordinator));  // no second factor in this session
  ASSERT_TRUE(admin_->Command({"HSET", MemberKey(*keys_, "mem_1"), "roles", "viewer"}).ok());
  auto viewer = Call();
  ASSERT_TRUE(viewer.ok());
  EXPECT_EQ(viewer->roles, std::vector<Role>{Role::kViewer});
  const std::string record = PeoplesPart();
  ASSERT_TRUE(admin_->Command({"HSET", MemberKey(*keys_, "mem_1"), "status", "removed"}).ok());
  EXPECT_EQ(Call().status().message(), kSessionEndedMessage);
  EXPECT_EQ(PeoplesPart(), record);  // people ends the sessions of a member it removes
}

TEST_F(RedisSessionTest, ASessionOfAnotherOrganisationThanItsMemberIsRefused) {
  PutSession("0", "0");
  ASSERT_TRUE(admin_->Command({"HSET", MemberKey(*keys_, "mem_1"), "org_id", "org_2"}).ok());
  EXPECT_EQ(Call().status().message(), kSessionEndedMessage);
}

TEST_F(RedisSessionTest, APendingSessionAsksForTheCodeAndIdlesOutFromSignIn) {
  PutSession("1", "0");
  EXPECT_EQ(Call().status().message(), kSecondFactorNeededMessage);
  EXPECT_EQ(Seen(), "");  // asking is no use of the session
  clock_.Advance(kIdle);
  EXPECT_EQ(Call().status().message(), kSessionEndedMessage);
}

// Sessions made before the seen key have none: they go on from the record's seen_ms (or,
// without it, created_ms), not ended at once and not made younger.
TEST_F(RedisSessionTest, ASessionWithoutASeenKeyGoesOnFromItsStoredLastUse) {
  PutSession("0", "0", /*age=*/int64_t{20} * 60'000);
  ASSERT_EQ(Seen(), "");
  auto caller = Call();
  ASSERT_TRUE(caller.ok()) << caller.status();
  clock_.Advance(kIdle - 1);  // renewed by that call
  EXPECT_TRUE(Call().ok());

  // Last seen 31 minutes ago by its record: ended.
  ASSERT_TRUE(admin_->Command({"DEL", SeenKey()}).ok());
  PutSession("0", "0", /*age=*/int64_t{31} * 60'000);
  EXPECT_EQ(Call().status().message(), kSessionEndedMessage);

  // No seen_ms at all: from its creation.
  ASSERT_TRUE(admin_->Command({"DEL", SeenKey()}).ok());
  PutSession("0", "0", /*age=*/int64_t{10} * 60'000);
  ASSERT_TRUE(admin_->Command({"HDEL", SessionKey(), "seen_ms"}).ok());
  EXPECT_TRUE(Call().ok());
  ASSERT_TRUE(admin_->Command({"DEL", SeenKey()}).ok());
  ASSERT_TRUE(admin_
                  ->Command({"HSET", SessionKey(), "created_ms",
                             std::to_string(clock_.NowUnixMs() - kIdle)})
                  .ok());
  EXPECT_EQ(Call().status().message(), kSessionEndedMessage);
}

// What a service that may write seen keys can do with them (docs/auth.md): keep a session
// from idling out, but not make one, nor keep one past its absolute end.
TEST_F(RedisSessionTest, AForgedSeenKeyNeitherMakesASessionNorOutlivesItsEnd) {
  const std::string far = std::to_string(kStart + 1000 * kHour);
  ASSERT_TRUE(admin_->Command({"SET", SeenKey(), far}).ok());
  EXPECT_EQ(Call().status().message(), kSessionEndedMessage);  // no record: no session

  PutSession("0", "0");
  ASSERT_TRUE(admin_->Command({"SET", SeenKey(), far}).ok());
  clock_.Advance(11 * kHour);
  EXPECT_TRUE(Call().ok());  // kept from idling out
  ASSERT_TRUE(admin_->Command({"SET", SeenKey(), far}).ok());
  clock_.Advance(kHour);
  EXPECT_EQ(Call().status().message(), kSessionEndedMessage);
}

}  // namespace
}  // namespace events::auth
