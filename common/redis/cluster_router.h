#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/redis/cluster_topology.h"
#include "common/redis/connection.h"
#include "common/redis/redis_client.h"

namespace events::redis::internal {

// Sends commands to the Redis Cluster nodes that serve their slots, and follows the
// cluster when it answers that a slot is elsewhere.
//
// A round sends one pipeline to every node concerned (all written before any reply is read,
// so the nodes work at the same time), then looks at each reply:
//  - MOVED: the slot has a new owner. The command did not run: the map is loaded again and
//    the command sent to the node named.
//  - ASK: the slot is being migrated and the key is already on the node named: ASKING and
//    the command go there, once; the map is left as it is.
//  - TRYAGAIN (a multi-key command while its keys are split by a migration) and
//    CLUSTERDOWN: not run; sent again after a short backoff.
//  - NOSCRIPT (with a script): SCRIPT LOAD and the call again on that node, once.
// A node that cannot be connected to (a failed primary) got nothing: the map is loaded from
// another node and the command retried with backoff, so it reaches the replica that takes
// over. TRYAGAIN is retried until the command timeout, CLUSTERDOWN and unreachable nodes
// until cluster_failover_wait, in both cases not past the caller's deadline; then
// UNAVAILABLE saying what happened and that nothing ran. At most kMaxRedirections MOVED/ASK
// in a row per command. A command that failed after it was sent (an I/O error, a timeout)
// is never sent again: it may have run.
//
// Thread-safe.
class ClusterRouter {
 public:
  using Deadline = Connection::Deadline;
  static constexpr int kMaxRedirections = 5;

  // Commands that travel together to one node: one command, or a MULTI ... EXEC block.
  struct Unit {
    std::vector<std::vector<std::string>> commands;
    int slot = -1;  // of the first command with a key; -1: none, any primary runs it
  };
  // A unit's replies, one per command, error replies included (but never MOVED, ASK,
  // TRYAGAIN or CLUSTERDOWN meaning the unit did not run); or why it has none.
  using UnitResult = absl::StatusOr<std::vector<ReplyPtr>>;

  explicit ClusterRouter(RedisOptions options);

  // Runs every unit, in order per node; one result per unit, in the order given. With a
  // script, its EVALSHA calls refused with NOSCRIPT are loaded and retried. With
  // `wait_for_replicas` (RedisOptions::wait_replicas), each node's pipeline ends with WAIT on
  // the same connection, and a unit that ran without an error reply but that too few
  // replicas confirmed gets WAIT's verdict instead of its replies (replica_wait.h).
  std::vector<UnitResult> Run(const std::vector<Unit>& units, const LuaScript* script,
                              Deadline deadline, bool wait_for_replicas = false);

  // `argv` once on every primary; replies in the order of the primaries' addresses.
  // UNAVAILABLE naming a node that cannot be reached (after loading the map again, so the
  // next call sees a failover), or the first other failure.
  absl::StatusOr<std::vector<ReplyPtr>> RunOnEveryPrimary(const std::vector<std::string>& argv,
                                                          Deadline deadline);

  // Splits a pipeline into units: each command alone, a MULTI up to its EXEC or DISCARD
  // together.
  static std::vector<Unit> Units(const std::vector<std::vector<std::string>>& commands);

  ClusterCounters counters() const;

 private:
  struct Attempt;
  struct Batch;
  enum class Wait { kNone, kTryAgain, kClusterDown, kUnreachable };

  // Sends one round; fills `results` for the units it finished and returns the attempts
  // still to make.
  std::vector<Attempt> Round(const std::vector<Unit>& units, const LuaScript* script,
                             std::vector<Attempt> pending, Deadline deadline,
                             bool wait_for_replicas, std::vector<UnitResult>& results);
  // The status of a unit that gave up waiting for `wait`, naming what it waited for.
  absl::Status GiveUp(const Attempt& attempt, const Unit& unit, const LuaScript* script,
                      bool deadline_first) const;

  const RedisOptions options_;
  ClusterTopology topology_;
  std::atomic<uint64_t> moved_{0};
  std::atomic<uint64_t> ask_{0};
  std::atomic<uint64_t> tryagain_{0};
  std::atomic<uint64_t> clusterdown_{0};
  std::atomic<uint64_t> unreachable_{0};
};

}  // namespace events::redis::internal
