// The registry of scripts (cmake/LuaScripts.cmake, common/redis/lua_registry.h) against a
// real redis-server (EVENTS_TEST_REDIS_URL): every script the services run is in it, loads
// (so its Lua compiles), and starts with the "#!lua" shebang that makes Redis hold it to one
// hash slot.
#include "common/redis/lua_registry.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/redis/redis_client.h"
#include "common/testing/redis_for_test.h"

namespace events::redis {
namespace {

// What SCRIPT LOAD says of a script: "" when Redis compiled it and its SHA1 is the one
// EVALSHA will be sent with, else why not.
std::string LoadProblem(RedisClient& redis, const LuaScript& script) {
  auto reply = redis.Command({"SCRIPT", "LOAD", script.source()});
  if (!reply.ok()) return std::string(reply.status().message());
  const std::string sha1 = AsString(**reply);
  if (sha1 != script.sha1())
    return absl::StrCat("Redis says SHA1 ", sha1, ", we send ", script.sha1());
  return "";
}

TEST(LuaRegistryTest, HoldsEveryServicesScripts) {
  std::set<std::string> prefixes;
  for (const LuaScript* script : AllProjectScripts()) {
    prefixes.insert(script->name().substr(0, script->name().find('_')));
  }
  // One entry per area with scripts; a service whose scripts were left out of the registry
  // (a library not made by events_lua_scripts) would be missing here.
  EXPECT_EQ(prefixes,
            (std::set<std::string>{"accessibility", "auth", "bus", "feedback", "integrations",
                                   "notifications", "people", "registration", "scheduling"}));
}

TEST(LuaRegistryTest, NamesAreUniqueAndEveryScriptCarriesTheShebang) {
  std::set<std::string> names;
  for (const LuaScript* script : AllProjectScripts()) {
    EXPECT_TRUE(names.insert(script->name()).second) << "two scripts named " << script->name();
    EXPECT_TRUE(absl::StartsWith(script->source(), "#!lua")) << script->name();
  }
  EXPECT_GE(names.size(), 40u);  // 44 on 2026-12-07: not an empty or half-filled registry
}

TEST(LuaRegistryTest, EveryScriptLoadsIntoRedisUnderItsOwnSha1) {
  RedisOptions options = ::events::testing::TestRedisOptions();
  ASSERT_FALSE(HasFailure());
  RedisClient redis(options);
  // The check itself: a script that does not compile is reported, with Redis's reason.
  const LuaScript broken("test_broken", "return {");
  EXPECT_TRUE(absl::StrContains(LoadProblem(redis, broken), "Error compiling script"))
      << LoadProblem(redis, broken);
  for (const LuaScript* script : AllProjectScripts()) {
    EXPECT_EQ(LoadProblem(redis, *script), "") << script->name();
  }
}

}  // namespace
}  // namespace events::redis
