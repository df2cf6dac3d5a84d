#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/redis/redis_client.h"

namespace events::redis::internal {

// "host:port", as Redis's address appears in messages.
std::string Endpoint(const RedisOptions& options);
std::string Endpoint(const RedisNode& node);

// True for Connection::Open's UNAVAILABLE when Redis could not be connected to at all
// (refused, no route, connect timeout): nothing was sent, so another node may be tried.
bool IsUnreachable(const absl::Status& status);

// One hiredis connection, connected and authenticated, with the command timeout set.
//
// Not thread-safe: the pool lends it to one caller at a time. After an I/O error or a
// timeout it is broken() for good, because a reply may still be in flight and would be read
// as the answer to the next command; the pool then drops it.
class Connection {
 public:
  using Deadline = std::chrono::steady_clock::time_point;
  static constexpr Deadline kNoDeadline = Deadline::max();

  // Connects, sets the command timeout, then AUTH, SELECT and CLIENT SETNAME as configured,
  // giving up at `deadline` if that comes before the timeouts. UNAVAILABLE when Redis
  // cannot be reached; FAILED_PRECONDITION when it refuses the password or the db
  // (retrying will not help until the configuration changes).
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const RedisOptions& options,
                                                          Deadline deadline = kNoDeadline);

  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends every command in one write, then reads one reply per command, in order. Error
  // replies are returned as replies. UNAVAILABLE on I/O error or timeout (then broken()).
  // With a deadline sooner than the command timeout, waits only until then; a deadline
  // already passed sends nothing (UNAVAILABLE, and the connection stays usable).
  absl::StatusOr<std::vector<ReplyPtr>> Run(const std::vector<std::vector<std::string>>& commands,
                                            Deadline deadline = kNoDeadline);

  // Run in two halves, so that pipelines to several servers are out at the same time:
  // Send writes the commands (and reads nothing), with the same deadline rules as Run;
  // Receive then reads `count` replies, waiting as long as Send's deadline allowed.
  // UNAVAILABLE on I/O error or timeout (then broken(): some commands may have run).
  absl::Status Send(const std::vector<std::vector<std::string>>& commands,
                    Deadline deadline = kNoDeadline);
  absl::StatusOr<std::vector<ReplyPtr>> Receive(size_t count);

  bool broken() const { return broken_; }

  // True when Redis closed its end while the connection sat idle (CLIENT KILL, a restart,
  // the server's idle timeout). One non-blocking syscall, no round trip: checking before
  // use lets the pool replace the connection instead of failing the caller's command,
  // without resending a command that Redis may already have run.
  bool PeerClosed() const;

 private:
  Connection(redisContext* context, const RedisOptions& options);

  absl::Status IoError();
  // Counts a failure of `kind` and returns `status`.
  absl::Status Failed(RedisErrorKind kind, absl::Status status) const;
  // Sets the socket timeouts to `ms` unless they are that already.
  bool UseTimeout(int64_t ms);

  redisContext* context_;
  // Where failures and contacts are counted; may be null (a connection of a test's own).
  RedisStats* const stats_;
  std::string endpoint_;
  int64_t command_timeout_ms_;  // the configured timeout
  int64_t timeout_ms_;          // the one set on the socket now
  bool broken_ = false;
  std::string sending_;  // what was last sent, for messages: Describe(commands)
};

}  // namespace events::redis::internal
