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
// them (docs/people.md): idle refresh, absolute and idle expiry, removal, pending.
class RedisSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_ = std::make_unique<redis::RedisClient>(events::testing::TestRedisOptions());
    ASSERT_FALSE(HasFailure());
    keys_ = std::make_unique<bus::Keyspace>(events::testing::UniqueKeyPrefix(), 16);
    store_ = std::make_unique<RedisKeyStore>(*redis_, *keys_);
    auth_ = std::make_unique<Authenticator>(*store_, clock_);
    ASSERT_TRUE(
        redis_
            ->Command({"HSET", MemberKey(*keys_, "mem_1"), "org_id", "org_1", "name", "Amira Khan",
                       "roles", "organiser,access_coordinator", "status", "active"})
            .ok());
  }
  // A session made now, ending in 12 hours, idle after 30 minutes.
  void PutSession(const std::string& pending, const std::string& second_factor) {
    const int64_t now = clock_.NowUnixMs();
    ASSERT_TRUE(
        redis_
            ->Command({"HSET", SessionKey(), "member_id", "mem_1", "org_id", "org_1", "created_ms",
                       std::to_string(now), "expires_ms", std::to_string(now + 12 * kHour),
                       "idle_ms", std::to_string(kIdle), "seen_ms", std::to_string(now),
                       "second_factor", second_factor, "pending", pending})
            .ok());
    ASSERT_TRUE(redis_->Command({"PEXPIRE", SessionKey(), std::to_string(kIdle)}).ok());
  }
  std::string SessionKey() const { return auth::SessionKey(*keys_, Sha256Hex(token_)); }
  int64_t Ttl() { return redis::AsInt(**redis_->Command({"PTTL", SessionKey()})); }
  absl::StatusOr<Caller> Call() { return auth_->Authenticate("Bearer " + token_); }

  static constexpr int64_t kHour = 3'600'000;
  static constexpr int64_t kIdle = int64_t{30} * 60'000;
  FakeClock clock_{1'780'000'000'000};
  const std::string token_ = "evs_" + std::string(43, 'Q');
  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<bus::Keyspace> keys_;
  std::unique_ptr<RedisKeyStore> store_;
  std::unique_ptr<Authenticator> auth_;
};

TEST_F(RedisSessionTest, ASessionInUseStaysAndIsRenewedUntilItsAbsoluteEnd) {
  PutSession("0", "1");
  for (int i = 0; i < 30; ++i) {  // 30 calls, 25 minutes apart: 12.5 hours in all
    clock_.Advance(int64_t{25} * 60'000);
    auto caller = Call();
    if (clock_.NowUnixMs() >= 1'780'000'000'000 + 12 * kHour) {
      EXPECT_EQ(caller.status().message(), kSessionEndedMessage);
      EXPECT_EQ(redis::AsInt(**redis_->Command({"EXISTS", SessionKey()})), 0);
      return;
    }
    ASSERT_TRUE(caller.ok()) << caller.status() << " at call " << i;
    EXPECT_EQ(caller->actor_name, "Amira Khan");
    EXPECT_TRUE(caller->HasRole(Role::kAccessCoordinator));
    EXPECT_GT(Ttl(), 0);
    EXPECT_LE(Ttl(), kIdle);
  }
  FAIL() << "the session never reached its absolute end";
}

TEST_F(RedisSessionTest, AnIdleSessionEnds) {
  PutSession("0", "0");
  clock_.Advance(kIdle);
  EXPECT_EQ(Call().status().message(), kSessionEndedMessage);
  // Ended for good: going back in time does not bring it back.
  clock_.Advance(-kIdle);
  EXPECT_EQ(Call().status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(RedisSessionTest, RemovalAndRoleChangesCountOnTheNextCall) {
  PutSession("0", "0");
  auto before = Call();
  ASSERT_TRUE(before.ok()) << before.status();
  EXPECT_FALSE(before->HasRole(Role::kAccessCoordinator));  // no second factor in this session
  ASSERT_TRUE(redis_->Command({"HSET", MemberKey(*keys_, "mem_1"), "roles", "viewer"}).ok());
  auto viewer = Call();
  ASSERT_TRUE(viewer.ok());
  EXPECT_EQ(viewer->roles, std::vector<Role>{Role::kViewer});
  ASSERT_TRUE(redis_->Command({"HSET", MemberKey(*keys_, "mem_1"), "status", "removed"}).ok());
  EXPECT_EQ(Call().status().message(), kSessionEndedMessage);
}

TEST_F(RedisSessionTest, APendingSessionAsksForTheCode) {
  PutSession("1", "0");
  EXPECT_EQ(Call().status().message(), kSecondFactorNeededMessage);
}

}  // namespace
}  // namespace events::auth
