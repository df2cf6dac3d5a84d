// RedisOptions::wait_replicas against real replicas: a single Redis with a replica of its
// own, and the test cluster (3 primaries, 3 replicas). A script call is acknowledged only
// once a replica has its writes; with the replica gone, WAIT times out and the call says so,
// though the primary holds the write.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/redis/redis_client.h"
#include "common/testing/own_redis_cluster.h"
#include "common/testing/own_redis_server.h"

namespace events::redis {
namespace {

using Clock = std::chrono::steady_clock;
using ::events::testing::OwnRedisCluster;
using ::events::testing::OwnRedisServer;

const LuaScript& SetScript() {
  static const LuaScript script("wait_test_set",
                                "redis.call('SET', KEYS[1], ARGV[1]) return ARGV[1]");
  return script;
}

// The calls of a command so far, from INFO commandstats (0 if never run).
int64_t CommandCalls(RedisClient& redis, const std::string& command) {
  absl::StatusOr<ReplyPtr> info = redis.Command({"INFO", "commandstats"});
  if (!info.ok()) return -1;
  const std::string prefix = absl::StrCat("cmdstat_", command, ":calls=");
  for (absl::string_view line : absl::StrSplit(AsString(**info), "\r\n")) {
    if (!absl::StartsWith(line, prefix)) continue;
    line.remove_prefix(prefix.size());
    int64_t calls = 0;
    if (absl::SimpleAtoi(line.substr(0, line.find(',')), &calls)) return calls;
  }
  return 0;
}

// Polls `done` every 20 ms until it is true or `seconds` have passed.
template <typename F>
bool Eventually(F done, int seconds = 15) {
  const Clock::time_point until = Clock::now() + std::chrono::seconds(seconds);
  while (Clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

// True when `node` serves `key` and has it (a node that does not serve its slot answers
// MOVED; a replica too, as it was not asked READONLY).
bool Holds(const OwnRedisCluster& cluster, int node, const std::string& key) {
  absl::StatusOr<ReplyPtr> exists = RedisClient(cluster.NodeOptions(node)).Command({"EXISTS", key});
  return exists.ok() && AsInt(**exists) == 1;
}

RedisOptions Waiting(RedisOptions options, std::chrono::milliseconds timeout) {
  options.wait_replicas = 1;
  options.wait_timeout = timeout;
  return options;
}

TEST(ReplicaWaitTest, OneRedisConfirmsThroughItsReplicaAndSaysSoWhenTheReplicaIsGone) {
  OwnRedisServer primary;
  ASSERT_TRUE(primary.Start({"--repl-diskless-sync-delay", "0"}));
  OwnRedisServer replica;
  ASSERT_TRUE(replica.Start({"--replicaof", "127.0.0.1", absl::StrCat(primary.Options().port)}));
  RedisClient admin(primary.Options());
  RedisClient redis(Waiting(primary.Options(), std::chrono::milliseconds(200)));
  // The replica's first sync: until then WAIT counts it out.
  ASSERT_TRUE(Eventually([&] { return redis.Eval(SetScript(), {"k:sync"}, {"x"}).ok(); }));

  const int64_t waits_before = CommandCalls(admin, "wait");
  absl::StatusOr<ReplyPtr> one = redis.Eval(SetScript(), {"k:1"}, {"one"});
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(AsString(**one), "one");
  // Three calls in one round trip, confirmed by one WAIT after them.
  absl::StatusOr<std::vector<absl::StatusOr<ReplyPtr>>> many =
      redis.EvalMany(SetScript(), {{{"k:2"}, {"2"}}, {{"k:3"}, {"3"}}, {{"k:4"}, {"4"}}});
  ASSERT_TRUE(many.ok()) << many.status();
  for (const absl::StatusOr<ReplyPtr>& reply : *many) EXPECT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(CommandCalls(admin, "wait"), waits_before + 2);
  // After a lost script cache, the reload and the retried call are confirmed too.
  ASSERT_TRUE(admin.Command({"SCRIPT", "FLUSH"}).ok());
  absl::StatusOr<ReplyPtr> reloaded = redis.Eval(SetScript(), {"k:5"}, {"five"});
  EXPECT_TRUE(reloaded.ok()) << reloaded.status();
  // The replica has what was confirmed.
  RedisClient on_replica(replica.Options());
  EXPECT_EQ(AsString(**on_replica.Command({"GET", "k:3"})), "3");
  EXPECT_EQ(AsString(**on_replica.Command({"GET", "k:5"})), "five");

  // Without a replica, WAIT times out: the call is UNAVAILABLE and says what happened,
  // though the primary holds the write.
  replica.Stop();
  const Clock::time_point start = Clock::now();
  absl::StatusOr<ReplyPtr> lonely = redis.Eval(SetScript(), {"k:lonely"}, {"v"});
  const auto took = Clock::now() - start;
  ASSERT_EQ(lonely.status().code(), absl::StatusCode::kUnavailable) << lonely.status();
  EXPECT_TRUE(absl::StrContains(lonely.status().message(),
                                "the script wait_test_set was written on the Redis primary"))
      << lonely.status();
  EXPECT_TRUE(
      absl::StrContains(lonely.status().message(), "but not confirmed by a replica within 200 ms"))
      << lonely.status();
  EXPECT_TRUE(absl::StrContains(lonely.status().message(), "may or may not survive a failover"))
      << lonely.status();
  EXPECT_GE(took, std::chrono::milliseconds(190));
  EXPECT_EQ(AsString(**admin.Command({"GET", "k:lonely"})), "v");
  // Every call a WAIT covers gets its verdict.
  many = redis.EvalMany(SetScript(), {{{"k:6"}, {"6"}}, {{"k:7"}, {"7"}}});
  ASSERT_TRUE(many.ok()) << many.status();
  for (const absl::StatusOr<ReplyPtr>& reply : *many) {
    EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable) << reply.status();
  }
  // A script's own error is the caller's answer whatever WAIT says.
  static const LuaScript failing("wait_test_fail", "return redis.error_reply('FULL no places')");
  absl::StatusOr<ReplyPtr> refused = redis.Eval(failing, {"k:8"}, {});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInternal) << refused.status();
  EXPECT_TRUE(absl::StrContains(refused.status().message(), "FULL no places"));

  // Off (the default): no WAIT is sent, and the write is acknowledged as Redis answers it.
  RedisClient plain(primary.Options());
  const int64_t waits = CommandCalls(admin, "wait");
  EXPECT_TRUE(plain.Eval(SetScript(), {"k:9"}, {"9"}).ok());
  EXPECT_EQ(CommandCalls(admin, "wait"), waits);
}

TEST(ReplicaWaitTest, WaitEndsBeforeTheCallersDeadline) {
  OwnRedisServer alone;
  ASSERT_TRUE(alone.Start());
  RedisOptions options = Waiting(alone.Options(), std::chrono::seconds(10));
  options.command_timeout = std::chrono::seconds(20);
  RedisClient redis(options);
  // Loaded already, so the one round trip is the one under test.
  ASSERT_TRUE(redis.Command({"SCRIPT", "LOAD", SetScript().source()}).ok());
  const Clock::time_point start = Clock::now();
  absl::StatusOr<std::vector<absl::StatusOr<ReplyPtr>>> replies =
      redis.EvalMany(SetScript(), {{{"k"}, {"v"}}}, start + std::chrono::milliseconds(400));
  const auto took = Clock::now() - start;
  // Redis answered WAIT (after half the time left), so the caller hears why, in time.
  ASSERT_TRUE(replies.ok()) << replies.status();
  const absl::Status status = replies->front().status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "not confirmed by a replica")) << status;
  EXPECT_LT(took, std::chrono::milliseconds(400));
}

TEST(ReplicaWaitTest, ClusterConfirmsOnEachNodeAndSaysSoWhenAPrimaryLosesItsReplica) {
  OwnRedisCluster cluster;
  ASSERT_TRUE(cluster.Start()) << cluster.error();
  RedisClient redis(Waiting(cluster.Options(), std::chrono::milliseconds(300)));
  // Keys on every primary (hash tags spread over the slots), in one EvalMany.
  std::vector<ScriptCall> calls;
  calls.reserve(12);
  for (int i = 0; i < 12; ++i) calls.push_back({{absl::StrCat("{t", i, "}:k")}, {"v"}});
  ASSERT_TRUE(Eventually([&] {
    absl::StatusOr<std::vector<absl::StatusOr<ReplyPtr>>> all = redis.EvalMany(SetScript(), calls);
    if (!all.ok()) return false;
    for (const absl::StatusOr<ReplyPtr>& reply : *all) {
      if (!reply.ok()) return false;
    }
    return true;
  })) << "the replicas never confirmed the first writes";

  // The primary that serves "{t0}:k" and its replica, from each node's ROLE.
  int primary = -1;
  int replica = -1;
  for (int node = 0; node < OwnRedisCluster::kNodes; ++node) {
    if (Holds(cluster, node, "{t0}:k")) primary = node;
  }
  ASSERT_GE(primary, 0);
  for (int node = 0; node < OwnRedisCluster::kNodes; ++node) {
    absl::StatusOr<ReplyPtr> role = RedisClient(cluster.NodeOptions(node)).Command({"ROLE"});
    if (role.ok() && AsString(ArrayAt(**role, 0)) == "slave" &&
        AsInt(ArrayAt(**role, 2)) == cluster.port(primary)) {
      replica = node;
    }
  }
  ASSERT_GE(replica, 0);

  cluster.Kill(replica);
  absl::StatusOr<ReplyPtr> lonely = redis.Eval(SetScript(), {"{t0}:k"}, {"after"});
  ASSERT_EQ(lonely.status().code(), absl::StatusCode::kUnavailable) << lonely.status();
  EXPECT_TRUE(absl::StrContains(
      lonely.status().message(),
      absl::StrCat("the script wait_test_set was written on the Redis primary 127.0.0.1:",
                   cluster.port(primary), " but not confirmed by a replica within 300 ms")))
      << lonely.status();
  // The primary has it; only its confirmation is missing.
  EXPECT_EQ(AsString(**redis.Command({"GET", "{t0}:k"})), "after");
  // The calls to the other primaries, whose replicas live, are still confirmed.
  absl::StatusOr<std::vector<absl::StatusOr<ReplyPtr>>> all = redis.EvalMany(SetScript(), calls);
  ASSERT_TRUE(all.ok()) << all.status();
  int confirmed = 0;
  for (size_t i = 0; i < calls.size(); ++i) {
    if (Holds(cluster, primary, calls[i].keys[0])) {
      EXPECT_EQ((*all)[i].status().code(), absl::StatusCode::kUnavailable) << calls[i].keys[0];
    } else {
      EXPECT_TRUE((*all)[i].ok()) << calls[i].keys[0] << ": " << (*all)[i].status();
      ++confirmed;
    }
  }
  EXPECT_GT(confirmed, 0);
}

}  // namespace
}  // namespace events::redis
