#include <memory>

#include "common/auth/authenticator.h"
#include "common/auth/key_store.h"
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
  auto scan = redis.Command({"KEYS", keys.prefix() + "*"});
  ASSERT_TRUE(scan.ok());
  for (size_t i = 0; i < redis::ArraySize(**scan); ++i) {
    std::string key = redis::AsString(redis::ArrayAt(**scan, i));
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
  redis::RedisOptions options;
  options.port = 1;  // nothing listens there
  options.connect_timeout = std::chrono::milliseconds(200);
  redis::RedisClient redis(options);
  bus::Keyspace keys("", 16);
  RedisKeyStore store(redis, keys);
  Authenticator auth(store);
  auto caller = auth.Authenticate("Bearer evk_abcdefghijklmnop");
  EXPECT_EQ(caller.status().code(), absl::StatusCode::kUnavailable) << caller.status();
}

}  // namespace
}  // namespace events::auth
