#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/redis/redis_stats.h"

struct redisReply;
struct redisContext;

namespace events::redis {
namespace internal {
class ClusterRouter;
}  // namespace internal

// One Redis server's address.
struct RedisNode {
  std::string host;
  int port = 6379;
};

// Where Redis is and how long to wait for it.
struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  // A Redis ACL user: AUTH user password. Empty: AUTH password (the default user).
  std::string user;
  std::string password;
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds command_timeout{2000};
  // Connections kept open; callers beyond this wait for a free one.
  int pool_size = 8;
  // How long a caller waits for a free connection before UNAVAILABLE.
  std::chrono::milliseconds pool_wait_timeout{2000};
  // Sent as CLIENT SETNAME when not empty, so CLIENT LIST shows who holds each connection.
  std::string client_name;
  // Redis Cluster: the nodes to ask for the slot map first (redis+cluster://). Empty for a
  // single Redis at host:port. With seeds, host and port are the first seed's, and db is 0.
  std::vector<RedisNode> cluster_seeds;
  // Redis Cluster: how long a command waits, retrying, while a node cannot be reached or the
  // cluster answers CLUSTERDOWN (a replica takes over a failed primary after the cluster's
  // cluster-node-timeout), unless the caller's deadline comes first. Then UNAVAILABLE.
  std::chrono::milliseconds cluster_failover_wait{5000};
  // Every script call (Eval, EvalMany, EvalQueue) is followed, on the same connection, by
  // WAIT wait_replicas: a call whose writes fewer replicas acknowledged within wait_timeout
  // is answered UNAVAILABLE, not as Redis answered it, because a failover could lose it.
  // 0: off (replication stays asynchronous, as Redis's default). The WAIT timeout is cut to
  // fit the command timeout and the caller's deadline (common/redis/replica_wait.h).
  int wait_replicas = 0;
  std::chrono::milliseconds wait_timeout{1000};
  // Where the client's pools and connections count what they do (RedisClient::stats()).
  // Set by RedisClient to a fresh one of its own; anything set here is replaced.
  std::shared_ptr<RedisStats> stats;
};

// What a cluster-aware RedisClient has had to do to follow the cluster, counted since it
// was made (all zero for a single Redis).
struct ClusterCounters {
  uint64_t moved = 0;          // MOVED answers: a slot has a new owner
  uint64_t ask = 0;            // ASK answers: a slot is being migrated
  uint64_t tryagain = 0;       // TRYAGAIN answers: a multi-key command during a migration
  uint64_t clusterdown = 0;    // CLUSTERDOWN answers (and slots no node served)
  uint64_t map_refreshes = 0;  // slot maps loaded (the first included)
  uint64_t unreachable = 0;    // times a node could not be connected to (say, a failed
                               // primary) and its commands waited to be sent elsewhere
};

// Parses "redis://[[user]:password@]host[:port][/db]", or for Redis Cluster
// "redis+cluster://[[user]:password@]host[:port][,host[:port]...]" (seed nodes; no /db, as a
// cluster has only database 0). INVALID_ARGUMENT naming the problem. Takes an ACL user name
// ("default" is the same as none), a percent-encoded password and [IPv6] hosts.
absl::StatusOr<RedisOptions> ParseRedisUrl(std::string_view url);

struct ReplyDeleter {
  void operator()(redisReply* reply) const;
};
// Owns a hiredis reply; freed when it goes out of scope.
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

// Reading replies without touching hiredis types at every call site.
bool IsNil(const redisReply& r);
// An error reply (e.g. WRONGTYPE); AsString gives its message.
bool IsError(const redisReply& r);
bool IsArray(const redisReply& r);
size_t ArraySize(const redisReply& r);
const redisReply& ArrayAt(const redisReply& r, size_t i);
// The string of a STRING/STATUS/ERROR reply (binary-safe); "" otherwise.
std::string AsString(const redisReply& r);
// An INTEGER reply, or a STRING reply holding a decimal integer; 0 otherwise.
int64_t AsInt(const redisReply& r);

// A Lua script, identified by the SHA1 of its source. Immutable; safe to share.
class LuaScript {
 public:
  LuaScript(std::string name, std::string source);
  const std::string& name() const { return name_; }
  const std::string& source() const { return source_; }
  const std::string& sha1() const { return sha1_; }

 private:
  std::string name_;
  std::string source_;
  std::string sha1_;
};

// One call of a Lua script: every key it touches (KEYS, which route it to its node in a
// cluster; all in one hash slot) and its arguments (ARGV).
struct ScriptCall {
  std::vector<std::string> keys;
  std::vector<std::string> args;
};

// A pool of hiredis connections with timeouts and reconnect; with cluster_seeds, one pool
// per Redis Cluster primary and each command sent to the node that owns its key's slot,
// following MOVED and ASK, retrying TRYAGAIN, CLUSTERDOWN and unreachable nodes for a while
// (see common/redis/README.md, "Redis Cluster": what is retried and what is not).
//
// Every method is thread-safe. Errors: UNAVAILABLE when Redis cannot be reached or times
// out (the connection is dropped and re-made on the next call), or answers with a transient
// error (LOADING, BUSY, READONLY, MASTERDOWN, TRYAGAIN, CLUSTERDOWN); FAILED_PRECONDITION
// when it refuses our credentials or db (NOAUTH, WRONGPASS, SELECT); INTERNAL for any other
// error reply (the message is Redis's, verbatim). Nothing here throws. The constructor sets
// SIGPIPE to ignored if it still has its default action, so a dropped connection cannot kill
// the process.
class RedisClient {
 public:
  explicit RedisClient(RedisOptions options);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Runs one command given as binary-safe arguments, e.g. {"HGET", key, field}.
  absl::StatusOr<ReplyPtr> Command(const std::vector<std::string>& argv);

  // Runs several commands on one connection in one round trip; replies in order. An error
  // reply of one command is returned as that reply, not as a failed status. In a cluster,
  // one pipeline per node: the replies still come back in the caller's order, but commands
  // run in order only among those sent to the same node; a MULTI ... EXEC block travels
  // whole to the node of its first command with a key. A failure of any node's round trip
  // fails the whole call (the commands of the other nodes may have run).
  absl::StatusOr<std::vector<ReplyPtr>> Pipeline(
      const std::vector<std::vector<std::string>>& commands);

  // EVALSHA, loading the script (SCRIPT LOAD) and retrying once on NOSCRIPT, e.g. after a
  // Redis restart or failover. With wait_replicas, UNAVAILABLE when the script ran but too
  // few replicas confirmed it (see RedisOptions); the same for EvalMany, per call.
  absl::StatusOr<ReplyPtr> Eval(const LuaScript& script, const std::vector<std::string>& keys,
                                const std::vector<std::string>& args);

  // The same script for each of `calls`, pipelined: one round trip on one connection,
  // each EVALSHA still atomic on its own and run in the given order. One result per call:
  // the reply, or the status of its error reply. NOSCRIPT is handled as Eval does (one load,
  // then the refused calls again). A failed round trip fails all (some may have run). In a
  // cluster, one pipeline per node, in call order per node; a node whose round trip failed
  // fails its own calls only, each with that status.
  absl::StatusOr<std::vector<absl::StatusOr<ReplyPtr>>> EvalMany(
      const LuaScript& script, const std::vector<ScriptCall>& calls);
  // The same, given up (UNAVAILABLE) at `deadline` if that comes first: waiting for a
  // connection, connecting, and waiting for the replies. A deadline already passed sends
  // nothing; one that passes while the calls are out leaves their outcome unknown.
  absl::StatusOr<std::vector<absl::StatusOr<ReplyPtr>>> EvalMany(
      const LuaScript& script, const std::vector<ScriptCall>& calls,
      std::chrono::steady_clock::time_point deadline);

  // PING; OK when Redis answers (in a cluster: every primary).
  absl::Status Ping();

  // Runs `argv` once on every primary of the cluster (the one Redis otherwise), e.g.
  // SCRIPT FLUSH, CLIENT LIST or KEYS, which act on or describe one node only. One reply
  // per primary, error replies included; UNAVAILABLE naming the node if one cannot be
  // reached (nothing is retried: some may have run it).
  absl::StatusOr<std::vector<ReplyPtr>> CommandOnEveryPrimary(const std::vector<std::string>& argv);

  // What following the cluster has taken so far (zero for a single Redis).
  ClusterCounters cluster_counters() const;

  // Errors by kind, pool use and waits, script latencies and the last contact with Redis,
  // counted since the client was made (common/metrics exports them). Shared, so a reader may
  // keep it after the client is gone.
  std::shared_ptr<const RedisStats> stats() const { return options_.stats; }

  const RedisOptions& options() const { return options_; }

 private:
  class Pool;
  // EvalMany over the cluster: `commands` are the calls' EVALSHA commands.
  absl::StatusOr<std::vector<absl::StatusOr<ReplyPtr>>> ClusterEvalMany(
      const LuaScript& script, const std::vector<ScriptCall>& calls,
      std::vector<std::vector<std::string>> commands,
      std::chrono::steady_clock::time_point deadline);

  // EvalMany without the latency observation.
  absl::StatusOr<std::vector<absl::StatusOr<ReplyPtr>>> EvalManyUntimed(
      const LuaScript& script, const std::vector<ScriptCall>& calls,
      std::chrono::steady_clock::time_point deadline);
  // Counts an error reply in stats() by its kind.
  void CountErrorReply(const redisReply& reply, bool from_script) const;
  void CountErrorReplies(const std::vector<ReplyPtr>& replies) const;

  RedisOptions options_;
  std::unique_ptr<Pool> pool_;                        // a single Redis
  std::unique_ptr<internal::ClusterRouter> cluster_;  // Redis Cluster
};

}  // namespace events::redis
