// ParseRedisUrl and LuaScript hashing: no Redis needed.

#include <gtest/gtest.h>

#include "absl/status/status.h"
#include "common/redis/redis_client.h"

namespace events::redis {
namespace {

TEST(ParseRedisUrlTest, HostPortAndDb) {
  absl::StatusOr<RedisOptions> options = ParseRedisUrl("redis://redis.internal:6380/3");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->host, "redis.internal");
  EXPECT_EQ(options->port, 6380);
  EXPECT_EQ(options->db, 3);
  EXPECT_EQ(options->password, "");
}

TEST(ParseRedisUrlTest, DefaultsWhenOnlyHostGiven) {
  absl::StatusOr<RedisOptions> options = ParseRedisUrl("redis://localhost");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->host, "localhost");
  EXPECT_EQ(options->port, 6379);
  EXPECT_EQ(options->db, 0);
  EXPECT_EQ(ParseRedisUrl("redis://localhost/")->db, 0);
}

TEST(ParseRedisUrlTest, PasswordAndDb) {
  absl::StatusOr<RedisOptions> options = ParseRedisUrl("redis://:s3cret@10.0.0.5:6379/2");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->password, "s3cret");
  EXPECT_EQ(options->host, "10.0.0.5");
  EXPECT_EQ(options->db, 2);

  options = ParseRedisUrl("redis://default:pw@h:1");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->password, "pw");
  EXPECT_EQ(options->user, "");  // the default user: AUTH password
}

TEST(ParseRedisUrlTest, AclUser) {
  absl::StatusOr<RedisOptions> options = ParseRedisUrl("redis://registration:p%40ss@redis:6379");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->user, "registration");
  EXPECT_EQ(options->password, "p@ss");
  EXPECT_EQ(options->host, "redis");
}

TEST(ParseRedisUrlTest, PercentEncodedPasswordAndIpv6Host) {
  absl::StatusOr<RedisOptions> options = ParseRedisUrl("redis://:a%40b%2Fc@[::1]:7000");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->password, "a@b/c");
  EXPECT_EQ(options->host, "::1");
  EXPECT_EQ(options->port, 7000);
}

TEST(ParseRedisUrlTest, ClusterSeeds) {
  absl::StatusOr<RedisOptions> options =
      ParseRedisUrl("redis+cluster://registration:p%40ss@10.0.0.1:7000,redis-2:7001,[::1]");
  ASSERT_TRUE(options.ok()) << options.status();
  ASSERT_EQ(options->cluster_seeds.size(), 3u);
  EXPECT_EQ(options->cluster_seeds[0].host, "10.0.0.1");
  EXPECT_EQ(options->cluster_seeds[0].port, 7000);
  EXPECT_EQ(options->cluster_seeds[1].host, "redis-2");
  EXPECT_EQ(options->cluster_seeds[1].port, 7001);
  EXPECT_EQ(options->cluster_seeds[2].host, "::1");
  EXPECT_EQ(options->cluster_seeds[2].port, 6379);  // the default port
  // The first seed is also host:port, so messages that name "the" Redis name one.
  EXPECT_EQ(options->host, "10.0.0.1");
  EXPECT_EQ(options->port, 7000);
  EXPECT_EQ(options->user, "registration");
  EXPECT_EQ(options->password, "p@ss");
  EXPECT_EQ(options->db, 0);

  options = ParseRedisUrl("redis+cluster://redis:6379");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->cluster_seeds.size(), 1u);
  EXPECT_TRUE(ParseRedisUrl("redis+cluster://redis:6379/0").ok());  // the only database
  EXPECT_TRUE(ParseRedisUrl("redis://redis:6379")->cluster_seeds.empty());
}

TEST(ParseRedisUrlTest, ClusterUrlWithADatabaseSaysThereIsOnlyZero) {
  absl::StatusOr<RedisOptions> options = ParseRedisUrl("redis+cluster://:secret@h1:7000,h2:7001/2");
  EXPECT_EQ(options.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(options.status().message().find("only database 0"), absl::string_view::npos)
      << options.status();
  EXPECT_EQ(options.status().message().find("secret"), absl::string_view::npos) << options.status();
}

TEST(ParseRedisUrlTest, RejectsBadClusterSeeds) {
  for (const char* url : {
           "redis+cluster://",               // no seed
           "redis+cluster://h1:7000,",       // empty seed
           "redis+cluster://h1:7000,,h2:1",  // empty seed
           "redis+cluster://h1:7000,h2:x",   // port digits
           "redis+cluster://h1:7000,:7001",  // no host
           "redis+cluster://h1:7000,[::1",   // IPv6 bracket
           "redis+cluster://h1:7000?x=1",    // query
           "rediss+cluster://h1:7000",       // TLS
       }) {
    absl::StatusOr<RedisOptions> options = ParseRedisUrl(url);
    EXPECT_EQ(options.status().code(), absl::StatusCode::kInvalidArgument) << url;
    EXPECT_NE(options.status().message().find("redis+cluster://"), absl::string_view::npos)
        << options.status();
  }
}

TEST(ParseRedisUrlTest, RejectsBadInputWithInvalidArgument) {
  for (const char* url : {
           "http://localhost:6379",      // scheme
           "rediss://localhost:6379",    // TLS
           "localhost:6379",             // no scheme
           "redis://localhost:0",        // port range
           "redis://localhost:65536",    // port range
           "redis://localhost:63x9",     // port digits
           "redis://localhost:",         // empty port
           "redis://:6379",              // no host
           "redis://localhost/-1",       // db
           "redis://localhost/db1",      // db
           "redis://localhost/1/2",      // db
           "redis://localhost?db=1",     // query
           "redis://pw@localhost",       // password without colon
           "redis://:bad%zz@localhost",  // bad escape
           "redis://[::1",               // IPv6 bracket
       }) {
    absl::StatusOr<RedisOptions> options = ParseRedisUrl(url);
    EXPECT_EQ(options.status().code(), absl::StatusCode::kInvalidArgument) << url;
  }
}

TEST(ParseRedisUrlTest, ErrorsNeverShowThePassword) {
  absl::StatusOr<RedisOptions> options = ParseRedisUrl("redis://:hunter2@localhost:99999");
  ASSERT_FALSE(options.ok());
  EXPECT_EQ(options.status().message().find("hunter2"), std::string::npos)
      << options.status().message();
  EXPECT_NE(options.status().message().find("port"), std::string::npos);
}

TEST(LuaScriptTest, Sha1MatchesRedis) {
  // The hash Redis's SCRIPT LOAD returns for "#!lua\nreturn 1": the shebang is added.
  LuaScript script("one", "return 1");
  EXPECT_EQ(script.source(), "#!lua\nreturn 1");
  EXPECT_EQ(script.sha1(), "cb70127618f0b0be70c53cf6bfcfa54a29d9b0c0");
  EXPECT_EQ(script.name(), "one");
}

TEST(LuaScriptTest, AShebangOfTheScriptsOwnIsKept) {
  LuaScript script("reader", "#!lua flags=no-writes\nreturn 1");
  EXPECT_EQ(script.source(), "#!lua flags=no-writes\nreturn 1");
}

}  // namespace
}  // namespace events::redis
