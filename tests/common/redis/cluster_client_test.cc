// RedisClient against a real Redis Cluster of the test's own (3 primaries, 3 replicas):
// routing by slot, pipelines and scripts across nodes, a slot migrated by hand (ASK, then
// MOVED; TRYAGAIN for a script whose keys are split), and a primary killed under the client.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/redis/cluster_slot.h"
#include "common/redis/redis_client.h"
#include "common/testing/own_redis_cluster.h"
#include "common/testing/own_redis_server.h"

namespace events::redis {
namespace {

using Clock = std::chrono::steady_clock;
using ::events::testing::OwnRedisCluster;
using internal::KeySlot;

class ClusterClientTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(cluster_.Start()) << cluster_.error(); }

  // One node, as a single Redis (no redirections followed).
  std::unique_ptr<RedisClient> Node(int node) const {
    RedisOptions options = cluster_.NodeOptions(node);
    options.pool_size = 1;
    return std::make_unique<RedisClient>(options);
  }

  // The node serving `slot`, as the first live node sees it; -1 if none answers.
  int PrimaryOf(int slot) const {
    for (int asker = 0; asker < OwnRedisCluster::kNodes; ++asker) {
      if (killed_.count(asker) != 0) continue;
      absl::StatusOr<ReplyPtr> slots = Node(asker)->Command({"CLUSTER", "SLOTS"});
      if (!slots.ok()) continue;
      for (size_t r = 0; r < ArraySize(**slots); ++r) {
        const redisReply& range = ArrayAt(**slots, r);
        if (AsInt(ArrayAt(range, 0)) <= slot && slot <= AsInt(ArrayAt(range, 1))) {
          return cluster_.NodeOf(static_cast<int>(AsInt(ArrayAt(ArrayAt(range, 2), 1))));
        }
      }
    }
    return -1;
  }

  // The replica of the primary `node`, or -1.
  int ReplicaOf(int node) const {
    const std::string id = NodeId(node);
    for (int other = 0; other < OwnRedisCluster::kNodes; ++other) {
      if (other == node || killed_.count(other) != 0) continue;
      absl::StatusOr<ReplyPtr> info = Node(other)->Command({"INFO", "replication"});
      if (info.ok() &&
          absl::StrContains(AsString(**info), absl::StrCat("master_port:", cluster_.port(node)))) {
        return other;
      }
    }
    return -1;
  }

  std::string NodeId(int node) const {
    absl::StatusOr<ReplyPtr> id = Node(node)->Command({"CLUSTER", "MYID"});
    return id.ok() ? AsString(**id) : "";
  }

  // A primary other than `node`.
  int OtherPrimary(int node) const {
    for (int slot = 0; slot < internal::kClusterSlots; slot += 1000) {
      const int owner = PrimaryOf(slot);
      if (owner >= 0 && owner != node) return owner;
    }
    return -1;
  }

  // A value in Redis's "name:value" INFO text, e.g. master_repl_offset.
  static int64_t InfoField(const std::string& info, const std::string& name) {
    for (absl::string_view line : absl::StrSplit(info, "\r\n")) {
      if (absl::StartsWith(line, name + ":")) {
        int64_t value = -1;
        if (absl::SimpleAtoi(line.substr(name.size() + 1), &value)) return value;
      }
    }
    return -1;
  }

  // Starts moving `slot` from `from` to `to` (IMPORTING on the target first, as redis-cli
  // --cluster reshard does).
  void StartMigration(int slot, int from, int to) {
    ASSERT_TRUE(Node(to)
                    ->Command({"CLUSTER", "SETSLOT", absl::StrCat(slot), "IMPORTING", NodeId(from)})
                    .ok());
    ASSERT_TRUE(Node(from)
                    ->Command({"CLUSTER", "SETSLOT", absl::StrCat(slot), "MIGRATING", NodeId(to)})
                    .ok());
  }

  void MigrateKey(int from, int to, const std::string& key) {
    absl::StatusOr<ReplyPtr> moved = Node(from)->Command(
        {"MIGRATE", "127.0.0.1", absl::StrCat(cluster_.port(to)), "", "0", "5000", "KEYS", key});
    ASSERT_TRUE(moved.ok()) << moved.status();
    ASSERT_EQ(AsString(**moved), "OK");
  }

  // Ends the migration: every primary learns that `to` serves the slot.
  void FinishMigration(int slot, int to) {
    const std::string id = NodeId(to);
    std::set<int> primaries;
    for (int s = 0; s < internal::kClusterSlots; s += 500) primaries.insert(PrimaryOf(s));
    primaries.erase(to);
    ASSERT_TRUE(Node(to)->Command({"CLUSTER", "SETSLOT", absl::StrCat(slot), "NODE", id}).ok());
    for (int node : primaries) {
      ASSERT_TRUE(Node(node)->Command({"CLUSTER", "SETSLOT", absl::StrCat(slot), "NODE", id}).ok());
    }
  }

  // `key` as `node` holds it, read with ASKING (so an importing node answers too); a
  // migrating node that does not have it answers with an ASK error, given as it is.
  std::string ValueOn(int node, const std::string& key) const {
    absl::StatusOr<std::vector<ReplyPtr>> replies =
        Node(node)->Pipeline({{"ASKING"}, {"GET", key}});
    if (!replies.ok()) return "<" + std::string(replies.status().message()) + ">";
    const redisReply& value = *(*replies)[1];
    return IsNil(value) ? "<nil>" : AsString(value);
  }

  OwnRedisCluster cluster_;
  std::set<int> killed_;
};

TEST_F(ClusterClientTest, KeysOfEverySlotRangeAreWrittenAndReadBack) {
  RedisClient redis(cluster_.Options());
  ASSERT_TRUE(redis.Ping().ok());
  constexpr int kKeys = 2000;
  for (int i = 0; i < kKeys; ++i) {
    absl::StatusOr<ReplyPtr> set =
        redis.Command({"SET", absl::StrCat("k:", i), absl::StrCat("v", i)});
    ASSERT_TRUE(set.ok()) << "key " << i << ": " << set.status();
  }
  for (int i = 0; i < kKeys; ++i) {
    absl::StatusOr<ReplyPtr> got = redis.Command({"GET", absl::StrCat("k:", i)});
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(AsString(**got), absl::StrCat("v", i));
  }
  // Each key sits on the primary that serves its slot, and every primary got some.
  std::map<int, int> per_node;
  for (int i = 0; i < kKeys; i += 37) {
    const std::string key = absl::StrCat("k:", i);
    const int owner = PrimaryOf(KeySlot(key));
    ASSERT_GE(owner, 0);
    EXPECT_EQ(AsInt(**Node(owner)->Command({"EXISTS", key})), 1) << key;
    ++per_node[owner];
  }
  EXPECT_EQ(per_node.size(), 3u);
  // Our slots are Redis's.
  for (int i = 0; i < 300; ++i) {
    const std::string key = absl::StrCat("{p", i % 40, "}:key:", i);
    EXPECT_EQ(AsInt(**Node(0)->Command({"CLUSTER", "KEYSLOT", key})), KeySlot(key)) << key;
  }
  // A stable cluster costs one map load and no redirection.
  const ClusterCounters counters = redis.cluster_counters();
  EXPECT_EQ(counters.map_refreshes, 1u);
  EXPECT_EQ(counters.moved, 0u);
  EXPECT_EQ(counters.ask, 0u);

  // Keyless commands run on one primary; CommandOnEveryPrimary on each.
  EXPECT_EQ(AsString(**redis.Command({"PING"})), "PONG");
  absl::StatusOr<std::vector<ReplyPtr>> sizes = redis.CommandOnEveryPrimary({"DBSIZE"});
  ASSERT_TRUE(sizes.ok()) << sizes.status();
  ASSERT_EQ(sizes->size(), 3u);
  int64_t total = 0;
  for (const ReplyPtr& size : *sizes) {
    EXPECT_GT(AsInt(*size), 0);
    total += AsInt(*size);
  }
  EXPECT_EQ(total, kKeys);
}

TEST_F(ClusterClientTest, APipelineAcrossNodesAnswersInTheCallersOrder) {
  RedisClient redis(cluster_.Options());
  std::vector<std::vector<std::string>> commands;
  for (int i = 0; i < 100; ++i) {
    commands.push_back({"SET", absl::StrCat("p:", i), absl::StrCat(i)});
    commands.push_back({"INCR", absl::StrCat("p:", i)});
    commands.push_back({"HGET", absl::StrCat("p:", i), "f"});  // WRONGTYPE
  }
  // A transaction on one hash tag travels whole, wherever the tag lives.
  commands.push_back({"MULTI"});
  commands.push_back({"SET", "{tx}:a", "1"});
  commands.push_back({"INCRBY", "{tx}:b", "5"});
  commands.push_back({"EXEC"});
  commands.push_back({"GET", "{tx}:a"});
  absl::StatusOr<std::vector<ReplyPtr>> replies = redis.Pipeline(commands);
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), commands.size());
  for (size_t i = 0; i < 100; ++i) {
    EXPECT_EQ(AsString(*(*replies)[3 * i]), "OK");
    EXPECT_EQ(AsInt(*(*replies)[3 * i + 1]), static_cast<int64_t>(i + 1)) << i;
    EXPECT_TRUE(absl::StartsWith(AsString(*(*replies)[3 * i + 2]), "WRONGTYPE")) << i;
  }
  EXPECT_EQ(AsString(*(*replies)[300]), "OK");
  EXPECT_EQ(AsString(*(*replies)[301]), "QUEUED");
  EXPECT_EQ(AsString(*(*replies)[302]), "QUEUED");
  ASSERT_EQ(ArraySize(*(*replies)[303]), 2u);
  EXPECT_EQ(AsInt(ArrayAt(*(*replies)[303], 1)), 5);
  EXPECT_EQ(AsString(*(*replies)[304]), "1");

  // A transaction across slots is Redis's error, passed on.
  replies = redis.Pipeline({{"MULTI"}, {"SET", "{a}x", "1"}, {"SET", "{b}x", "1"}, {"EXEC"}});
  ASSERT_TRUE(replies.ok()) << replies.status();
  EXPECT_TRUE(IsError(*replies->back())) << AsString(*replies->back());
  absl::StatusOr<ReplyPtr> cross = redis.Command({"MSET", "{a}y", "1", "{b}y", "1"});
  EXPECT_EQ(cross.status().code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(absl::StartsWith(cross.status().message(), "CROSSSLOT")) << cross.status();
}

// Appends ARGV[1] to the list KEYS[1] and answers its new length.
const LuaScript& AppendScript() {
  static const LuaScript* script =
      new LuaScript("test_append", "return redis.call('RPUSH', KEYS[1], ARGV[1])");
  return *script;
}

TEST_F(ClusterClientTest, EvalManyAcrossNodesAnswersInCallOrderAndLoadsScriptsPerNode) {
  RedisClient redis(cluster_.Options());
  // No primary has the script: every node answers NOSCRIPT once, and loads it.
  ASSERT_TRUE(redis.CommandOnEveryPrimary({"SCRIPT", "FLUSH"}).ok());
  std::vector<ScriptCall> calls;
  for (int round = 0; round < 3; ++round) {
    for (int list = 0; list < 40; ++list) {
      calls.push_back({{absl::StrCat("{l", list, "}:list")}, {absl::StrCat(round)}});
    }
  }
  auto replies = redis.EvalMany(AppendScript(), calls, Clock::now() + std::chrono::seconds(5));
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), calls.size());
  for (size_t i = 0; i < calls.size(); ++i) {
    ASSERT_TRUE((*replies)[i].ok()) << (*replies)[i].status();
    EXPECT_EQ(AsInt(**(*replies)[i]), static_cast<int64_t>(i / 40 + 1)) << i;
  }
  for (int list = 0; list < 40; ++list) {
    absl::StatusOr<ReplyPtr> items =
        redis.Command({"LRANGE", absl::StrCat("{l", list, "}:list"), "0", "-1"});
    ASSERT_TRUE(items.ok());
    ASSERT_EQ(ArraySize(**items), 3u);
    for (size_t k = 0; k < 3; ++k) EXPECT_EQ(AsString(ArrayAt(**items, k)), absl::StrCat(k));
  }
  // Loaded on every primary that had calls.
  absl::StatusOr<std::vector<ReplyPtr>> cached =
      redis.CommandOnEveryPrimary({"SCRIPT", "EXISTS", AppendScript().sha1()});
  ASSERT_TRUE(cached.ok());
  for (const ReplyPtr& node : *cached) EXPECT_EQ(AsInt(ArrayAt(*node, 0)), 1);

  // Eval of one call, and one with no keys (any primary).
  absl::StatusOr<ReplyPtr> one = redis.Eval(AppendScript(), {"{l0}:list"}, {"x"});
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(AsInt(**one), 4);
  absl::StatusOr<ReplyPtr> keyless = redis.Eval(LuaScript("two", "return 2"), {}, {});
  ASSERT_TRUE(keyless.ok()) << keyless.status();
  EXPECT_EQ(AsInt(**keyless), 2);
}

TEST_F(ClusterClientTest, AMigratingSlotIsFollowedWithAskThenMoved) {
  RedisClient redis(cluster_.Options());
  const std::string old_key = "{mig}old";
  const std::string new_key = "{mig}new";
  const int slot = KeySlot(old_key);
  const int source = PrimaryOf(slot);
  const int target = OtherPrimary(source);
  ASSERT_GE(source, 0);
  ASSERT_GE(target, 0);
  ASSERT_TRUE(redis.Command({"SET", old_key, "before"}).ok());
  StartMigration(slot, source, target);

  // A key the source does not have goes to the target: ASK, then ASKING + SET there.
  absl::StatusOr<ReplyPtr> set = redis.Command({"SET", new_key, "new"});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(redis.cluster_counters().ask, 1u);
  EXPECT_EQ(ValueOn(target, new_key), "new");
  EXPECT_TRUE(absl::StartsWith(ValueOn(source, new_key), "ASK ")) << "not on the source";
  // A key still on the source is served there.
  EXPECT_EQ(AsString(**redis.Command({"GET", old_key})), "before");
  EXPECT_EQ(redis.cluster_counters().ask, 1u);

  // Moved to the target: ASK again, and the map is left as it was.
  MigrateKey(source, target, old_key);
  absl::StatusOr<ReplyPtr> got = redis.Command({"GET", old_key});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(AsString(**got), "before");
  EXPECT_EQ(redis.cluster_counters().ask, 2u);
  EXPECT_EQ(redis.cluster_counters().moved, 0u);
  EXPECT_EQ(redis.cluster_counters().map_refreshes, 1u);

  // The slot is the target's now: the source answers MOVED, the client loads the map again
  // and from then on goes straight to the target.
  FinishMigration(slot, target);
  got = redis.Command({"GET", old_key});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(AsString(**got), "before");
  ClusterCounters counters = redis.cluster_counters();
  EXPECT_EQ(counters.moved, 1u);
  EXPECT_EQ(counters.map_refreshes, 2u);
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(redis.Command({"INCR", absl::StrCat("{mig}n")}).ok());
  }
  EXPECT_EQ(AsString(**redis.Command({"GET", new_key})), "new");
  EXPECT_EQ(redis.cluster_counters().moved, 1u);
  EXPECT_EQ(AsString(**Node(target)->Command({"GET", "{mig}n"})), "20");
}

// Reads KEYS[1] and KEYS[2] and writes KEYS[3]: runs only where all three are.
const LuaScript& ReadTwoWriteOne() {
  static const LuaScript* script = new LuaScript("test_read_two", R"lua(
redis.call('SET', KEYS[3], 'ran')
return {redis.call('GET', KEYS[1]), redis.call('GET', KEYS[2])}
)lua");
  return *script;
}

TEST_F(ClusterClientTest, AScriptWhoseKeysAMigrationSplitsIsRetriedOnTryAgain) {
  RedisOptions options = cluster_.Options();
  options.command_timeout = std::chrono::milliseconds(5000);
  RedisClient redis(options);
  const std::vector<std::string> keys = {"{try}a", "{try}b", "{try}ran"};
  const int slot = KeySlot(keys[0]);
  const int source = PrimaryOf(slot);
  const int target = OtherPrimary(source);
  ASSERT_TRUE(redis.Command({"SET", keys[0], "A"}).ok());
  ASSERT_TRUE(redis.Command({"SET", keys[1], "B"}).ok());
  StartMigration(slot, source, target);
  MigrateKey(source, target, keys[0]);  // the keys are split: TRYAGAIN until b follows

  // Until the caller's deadline, then UNAVAILABLE; the script never ran.
  const Clock::time_point start = Clock::now();
  auto replies =
      redis.EvalMany(ReadTwoWriteOne(), {{keys, {}}}, start + std::chrono::milliseconds(300));
  const auto took = Clock::now() - start;
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ((*replies)[0].status().code(), absl::StatusCode::kUnavailable)
      << (*replies)[0].status();
  EXPECT_TRUE(absl::StrContains((*replies)[0].status().message(), "being migrated"))
      << (*replies)[0].status();
  EXPECT_TRUE(absl::StrContains((*replies)[0].status().message(), "did not run"))
      << (*replies)[0].status();
  EXPECT_LT(took, std::chrono::milliseconds(600));
  EXPECT_GE(redis.cluster_counters().tryagain, 1u);
  EXPECT_TRUE(absl::StartsWith(ValueOn(source, keys[2]), "ASK ")) << "not on the source";
  EXPECT_EQ(ValueOn(target, keys[2]), "<nil>");

  // A call that is retrying when the migration completes runs on the target. (Moving b
  // alone is not enough: the script writes a key that neither node has, and an importing
  // node answers TRYAGAIN to a multi-key command while any of its keys is missing.)
  const uint64_t tries_before = redis.cluster_counters().tryagain;
  absl::StatusOr<std::vector<absl::StatusOr<ReplyPtr>>> late;
  std::thread caller([&] {
    late = redis.EvalMany(ReadTwoWriteOne(), {{keys, {}}}, Clock::now() + std::chrono::seconds(5));
  });
  const Clock::time_point until = Clock::now() + std::chrono::seconds(5);
  while (redis.cluster_counters().tryagain == tries_before && Clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_GT(redis.cluster_counters().tryagain, tries_before);
  MigrateKey(source, target, keys[1]);
  FinishMigration(slot, target);
  caller.join();
  ASSERT_TRUE(late.ok()) << late.status();
  ASSERT_TRUE((*late)[0].ok()) << (*late)[0].status();
  ASSERT_EQ(ArraySize(**(*late)[0]), 2u);
  EXPECT_EQ(AsString(ArrayAt(**(*late)[0], 0)), "A");
  EXPECT_EQ(AsString(ArrayAt(**(*late)[0], 1)), "B");
  EXPECT_EQ(ValueOn(target, keys[2]), "ran");
  // The source said ASK or MOVED, depending on whether it had heard the slot was moved.
  EXPECT_GE(redis.cluster_counters().moved + redis.cluster_counters().ask, 1u);
}

TEST_F(ClusterClientTest, TheClientCarriesOnWhenAPrimaryDiesAndItsReplicaTakesOver) {
  RedisOptions options = cluster_.Options();
  options.cluster_failover_wait = std::chrono::seconds(20);
  RedisClient redis(options);
  constexpr int kKeys = 300;
  for (int i = 0; i < kKeys; ++i) {
    ASSERT_TRUE(redis.Command({"SET", absl::StrCat("f:", i), absl::StrCat(i)}).ok());
  }
  const std::string key = "victim";
  const int victim = PrimaryOf(KeySlot(key));
  const int replica = ReplicaOf(victim);
  ASSERT_GE(victim, 0);
  ASSERT_GE(replica, 0);
  // Replication is asynchronous: wait until the replica has every write, so that this test
  // is about the client, not about writes lost in a failover.
  const Clock::time_point synced_by = Clock::now() + std::chrono::seconds(10);
  for (;;) {
    const int64_t primary_offset =
        InfoField(AsString(**Node(victim)->Command({"INFO", "replication"})), "master_repl_offset");
    const int64_t replica_offset =
        InfoField(AsString(**Node(replica)->Command({"INFO", "replication"})), "slave_repl_offset");
    if (primary_offset > 0 && primary_offset == replica_offset) break;
    ASSERT_LT(Clock::now(), synced_by) << "the replica did not catch up";
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  cluster_.Kill(victim);
  killed_.insert(victim);
  // A health check says so at once, naming the node.
  absl::Status ping = redis.Ping();
  EXPECT_EQ(ping.code(), absl::StatusCode::kUnavailable) << ping;
  EXPECT_TRUE(absl::StrContains(ping.message(), absl::StrCat(":", cluster_.port(victim)))) << ping;

  // The same client: the write waits for the replica to take over, then succeeds.
  const Clock::time_point start = Clock::now();
  absl::StatusOr<ReplyPtr> set = redis.Command({"SET", key, "after"});
  const auto waited =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  ASSERT_TRUE(set.ok()) << set.status();
  std::printf("write after the primary was killed waited %lld ms for the failover\n",
              static_cast<long long>(waited));
  EXPECT_EQ(PrimaryOf(KeySlot(key)), replica);
  for (int i = 0; i < kKeys; ++i) {
    absl::StatusOr<ReplyPtr> got = redis.Command({"GET", absl::StrCat("f:", i)});
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(AsString(**got), absl::StrCat(i));
  }
  EXPECT_EQ(AsString(**redis.Command({"GET", key})), "after");
  EXPECT_TRUE(redis.Ping().ok());
  const ClusterCounters counters = redis.cluster_counters();
  EXPECT_GE(counters.unreachable, 1u);
  EXPECT_GE(counters.map_refreshes, 2u);
}

TEST_F(ClusterClientTest, MisconfigurationIsFailedPreconditionWithAHint) {
  // A cluster node reached as a single Redis: MOVED says what to set.
  RedisOptions single = cluster_.NodeOptions(0);
  RedisClient plain(single);
  absl::Status status;
  for (int i = 0; i < 50 && status.ok(); ++i) {
    status = plain.Command({"GET", absl::StrCat("hint:", i)}).status();
  }
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "redis+cluster://")) << status;

  // A single Redis reached as a cluster.
  events::testing::OwnRedisServer server;
  ASSERT_TRUE(server.Start());
  RedisOptions not_a_cluster = server.Options();
  not_a_cluster.cluster_seeds = {{not_a_cluster.host, not_a_cluster.port}};
  status = RedisClient(not_a_cluster).Ping();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "not a Redis Cluster node")) << status;

  // No seed reachable.
  RedisOptions nowhere = cluster_.Options();
  nowhere.cluster_seeds = {{"127.0.0.1", 1}};
  status = RedisClient(nowhere).Command({"GET", "x"}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "127.0.0.1:1")) << status;

  // With a password: a wrong one is refused at the first node and not retried; the right
  // one reaches every primary (AUTH on each node's connections).
  for (int node = 0; node < OwnRedisCluster::kNodes; ++node) {
    ASSERT_TRUE(Node(node)->Command({"CONFIG", "SET", "requirepass", "s3cret"}).ok());
  }
  RedisOptions wrong = cluster_.Options();
  wrong.password = "not-it";
  status = RedisClient(wrong).Ping();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "refused the password")) << status;
  EXPECT_FALSE(absl::StrContains(status.message(), "not-it")) << status;
  RedisOptions right = cluster_.Options();
  right.password = "s3cret";
  RedisClient with_password(right);
  EXPECT_TRUE(with_password.Ping().ok());
  EXPECT_TRUE(with_password.Command({"SET", "pw:a", "1"}).ok());
  EXPECT_TRUE(with_password.Command({"SET", "pw:b", "1"}).ok());
}

}  // namespace
}  // namespace events::redis
