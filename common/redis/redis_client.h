#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

struct redisReply;
struct redisContext;

namespace events::redis {

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
};

// Parses "redis://[[user]:password@]host[:port][/db]". INVALID_ARGUMENT naming the problem.
// Takes an ACL user name ("default" is the same as none), a percent-encoded password and an
// [IPv6] host.
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

// A pool of hiredis connections with timeouts and reconnect.
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
  // reply of one command is returned as that reply, not as a failed status.
  absl::StatusOr<std::vector<ReplyPtr>> Pipeline(
      const std::vector<std::vector<std::string>>& commands);

  // EVALSHA, loading the script (SCRIPT LOAD) and retrying once on NOSCRIPT, e.g. after a
  // Redis restart or failover.
  absl::StatusOr<ReplyPtr> Eval(const LuaScript& script, const std::vector<std::string>& keys,
                                const std::vector<std::string>& args);

  // The same script for each of `calls`, pipelined: one round trip on one connection,
  // each EVALSHA still atomic on its own and run in the given order. One result per call:
  // the reply, or the status of its error reply. NOSCRIPT is handled as Eval does (one load,
  // then the refused calls again). A failed round trip fails all (some may have run).
  absl::StatusOr<std::vector<absl::StatusOr<ReplyPtr>>> EvalMany(
      const LuaScript& script, const std::vector<ScriptCall>& calls);
  // The same, given up (UNAVAILABLE) at `deadline` if that comes first: waiting for a
  // connection, connecting, and waiting for the replies. A deadline already passed sends
  // nothing; one that passes while the calls are out leaves their outcome unknown.
  absl::StatusOr<std::vector<absl::StatusOr<ReplyPtr>>> EvalMany(
      const LuaScript& script, const std::vector<ScriptCall>& calls,
      std::chrono::steady_clock::time_point deadline);

  // PING; OK when Redis answers.
  absl::Status Ping();

  const RedisOptions& options() const { return options_; }

 private:
  class Pool;
  RedisOptions options_;
  std::unique_ptr<Pool> pool_;
};

}  // namespace events::redis
