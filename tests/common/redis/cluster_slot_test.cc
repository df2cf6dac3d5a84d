// Hash slots, routing keys, redirections and pipeline units: no Redis needed.

#include "common/redis/cluster_slot.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "common/redis/cluster_map.h"
#include "common/redis/cluster_router.h"

namespace events::redis::internal {
namespace {

TEST(KeySlotTest, MatchesWhatRedisClusterKeyslotAnswers) {
  // Each figure is redis-server 7.0's answer to CLUSTER KEYSLOT for the key.
  EXPECT_EQ(KeySlot("foo"), 12182);
  EXPECT_EQ(KeySlot("bar"), 5061);
  EXPECT_EQ(KeySlot("hello"), 866);
  EXPECT_EQ(KeySlot("a"), 15495);
  EXPECT_EQ(KeySlot(""), 0);
  EXPECT_EQ(KeySlot("123456789"), 12739);  // CRC16/XMODEM's check value 0x31C3, mod 16384
  EXPECT_EQ(KeySlot("{p3}:events"), 3689);
  EXPECT_EQ(KeySlot("{p0}:jobs"), 15882);
}

TEST(KeySlotTest, KeysWithTheSameHashTagShareASlot) {
  EXPECT_EQ(KeySlot("{user1000}.following"), 3443);
  EXPECT_EQ(KeySlot("{user1000}.followers"), 3443);
  EXPECT_EQ(KeySlot("{p3}:reg:ev_1"), KeySlot("{p3}:events"));
  EXPECT_EQ(KeySlot("anything{p3}"), KeySlot("p3"));
}

TEST(KeySlotTest, OnlyTheFirstNonEmptyTagCounts) {
  EXPECT_EQ(KeySlot("foo{}{bar}"), 8363);     // "{}" is empty: the whole key is hashed
  EXPECT_EQ(KeySlot("foo{{bar}}zap"), 4015);  // the tag is "{bar"
  EXPECT_EQ(KeySlot("foo{bar}{zap}"), 5061);  // the tag is "bar"
  EXPECT_EQ(KeySlot("foo{bar"), KeySlot("foo{bar"));
  EXPECT_NE(KeySlot("foo{bar"), KeySlot("bar"));  // no closing brace: no tag
  EXPECT_EQ(KeySlot(std::string("{a\0b}x", 6)), KeySlot(std::string("a\0b", 3)));  // binary-safe
}

TEST(RoutingKeyTest, MostCommandsRouteByTheirFirstArgument) {
  EXPECT_EQ(RoutingKeyIndex({"GET", "k"}), 1);
  EXPECT_EQ(RoutingKeyIndex({"hset", "k", "f", "v"}), 1);
  EXPECT_EQ(RoutingKeyIndex({"BLPOP", "k", "0"}), 1);
  EXPECT_EQ(RoutingKeyIndex({"XADD", "{p1}:events", "*", "f", "v"}), 1);
  EXPECT_EQ(CommandSlot({"SET", "foo", "1"}), 12182);
}

TEST(RoutingKeyTest, ScriptsRouteByTheirFirstKey) {
  EXPECT_EQ(RoutingKeyIndex({"EVALSHA", "sha", "2", "k1", "k2", "arg"}), 3);
  EXPECT_EQ(RoutingKeyIndex({"eval", "return 1", "1", "k"}), 3);
  EXPECT_EQ(RoutingKeyIndex({"EVALSHA", "sha", "0", "arg"}), -1);
  EXPECT_EQ(RoutingKeyIndex({"EVALSHA", "sha", "x"}), -1);  // not a count: Redis will refuse it
  EXPECT_EQ(RoutingKeyIndex({"FCALL", "f", "1", "k"}), 3);
}

TEST(RoutingKeyTest, StreamCommandsRouteByTheirStream) {
  EXPECT_EQ(RoutingKeyIndex(
                {"XREADGROUP", "GROUP", "g", "c", "COUNT", "10", "STREAMS", "{p2}:events", ">"}),
            7);
  EXPECT_EQ(RoutingKeyIndex({"XREAD", "BLOCK", "0", "streams", "s", "$"}), 4);
  EXPECT_EQ(RoutingKeyIndex({"XGROUP", "CREATE", "s", "g", "0", "MKSTREAM"}), 2);
  EXPECT_EQ(RoutingKeyIndex({"XINFO", "STREAM", "s"}), 2);
  EXPECT_EQ(RoutingKeyIndex({"XINFO", "HELP"}), -1);
  EXPECT_EQ(RoutingKeyIndex({"MEMORY", "USAGE", "k"}), 2);
  EXPECT_EQ(RoutingKeyIndex({"MEMORY", "STATS"}), -1);
  EXPECT_EQ(RoutingKeyIndex({"OBJECT", "ENCODING", "k"}), 2);
}

TEST(RoutingKeyTest, CountedKeysRouteByTheFirstKeyAfterTheCount) {
  EXPECT_EQ(RoutingKeyIndex({"ZUNION", "2", "a", "b"}), 2);
  EXPECT_EQ(RoutingKeyIndex({"LMPOP", "1", "a", "LEFT"}), 2);
  EXPECT_EQ(RoutingKeyIndex({"BLMPOP", "0", "1", "a", "LEFT"}), 3);
  EXPECT_EQ(RoutingKeyIndex({"ZUNIONSTORE", "dest", "2", "a", "b"}), 1);
}

TEST(RoutingKeyTest, CommandsWithoutKeysGoAnywhere) {
  for (const std::vector<std::string>& argv :
       std::vector<std::vector<std::string>>{{"PING"},
                                             {"TIME"},
                                             {"INFO", "memory"},
                                             {"SCRIPT", "LOAD", "return 1"},
                                             {"CLUSTER", "SLOTS"},
                                             {"ACL", "WHOAMI"},
                                             {"CLIENT", "LIST"},
                                             {"MULTI"},
                                             {"EXEC"},
                                             {"KEYS", "*"},
                                             {"SCAN", "0"},
                                             {"DBSIZE"},
                                             {"WAIT", "1", "100"},
                                             {"PUBLISH", "c", "m"}}) {
    EXPECT_EQ(RoutingKeyIndex(argv), -1) << argv[0];
  }
}

TEST(RedirectTest, ReadsMovedAndAsk) {
  const RedisNode from{"10.0.0.9", 7000};
  std::optional<Redirect> moved = ParseRedirect("MOVED 3999 127.0.0.1:6381", from);
  ASSERT_TRUE(moved.has_value());
  EXPECT_FALSE(moved->ask);
  EXPECT_EQ(moved->slot, 3999);
  EXPECT_EQ(moved->node.host, "127.0.0.1");
  EXPECT_EQ(moved->node.port, 6381);

  std::optional<Redirect> ask = ParseRedirect("ASK 12182 redis-2.redis:6379", from);
  ASSERT_TRUE(ask.has_value());
  EXPECT_TRUE(ask->ask);
  EXPECT_EQ(ask->slot, 12182);
  EXPECT_EQ(ask->node.host, "redis-2.redis");

  // A node that does not know its own address names none: it is the one that answered.
  std::optional<Redirect> bare = ParseRedirect("MOVED 1 :7002", from);
  ASSERT_TRUE(bare.has_value());
  EXPECT_EQ(bare->node.host, "10.0.0.9");
  EXPECT_EQ(bare->node.port, 7002);

  std::optional<Redirect> v6 = ParseRedirect("MOVED 1 ::1:7002", from);
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->node.host, "::1");
}

TEST(RedirectTest, OtherErrorsAreNoRedirection) {
  const RedisNode from{"h", 1};
  for (const char* error : {"ERR MOVED", "MOVED", "MOVED x h:1", "MOVED 16384 h:1", "ASK 1 h",
                            "ASK 1 h:0", "TRYAGAIN Multiple keys request during rehashing",
                            "CROSSSLOT Keys in request don't hash to the same slot"}) {
    EXPECT_FALSE(ParseRedirect(error, from).has_value()) << error;
  }
}

TEST(PipelineUnitsTest, MultiBlocksTravelWholeAndRouteByTheirFirstKey) {
  std::vector<ClusterRouter::Unit> units = ClusterRouter::Units({
      {"GET", "foo"},
      {"MULTI"},
      {"PING"},
      {"HSET", "{p3}:x", "f", "v"},
      {"SADD", "{p3}:y", "m"},
      {"EXEC"},
      {"TIME"},
      {"multi"},
      {"DISCARD"},
      {"MULTI"},
      {"SET", "bar", "1"},  // no EXEC: the rest is the block
  });
  ASSERT_EQ(units.size(), 5u);
  EXPECT_EQ(units[0].commands.size(), 1u);
  EXPECT_EQ(units[0].slot, 12182);
  EXPECT_EQ(units[1].commands.size(), 5u);
  EXPECT_EQ(units[1].slot, 3689);
  EXPECT_EQ(units[2].slot, -1);
  EXPECT_EQ(units[3].commands.size(), 2u);
  EXPECT_EQ(units[3].slot, -1);
  EXPECT_EQ(units[4].commands.size(), 2u);
  EXPECT_EQ(units[4].slot, 5061);
}

}  // namespace
}  // namespace events::redis::internal
