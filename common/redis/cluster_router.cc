// ClusterRouter: one pipeline per node per round; redirections, backoff and failover.

#include "common/redis/cluster_router.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/redis/cluster_map.h"
#include "common/redis/cluster_slot.h"
#include "common/redis/connection_pool.h"
#include "common/redis/replica_wait.h"

namespace events::redis::internal {
namespace {

using Clock = std::chrono::steady_clock;

// The first and the longest pause between retries of a command the cluster could not run.
// A migration's TRYAGAIN clears within milliseconds; a failover takes about a second past
// cluster-node-timeout, so there is little to gain from asking much more often than that.
constexpr std::chrono::milliseconds kFirstBackoff{5};
constexpr std::chrono::milliseconds kMaxBackoff{100};

bool IsVerb(const std::vector<std::string>& command, absl::string_view verb) {
  return !command.empty() && absl::EqualsIgnoreCase(command[0], verb);
}

// What one unit's replies say.
struct Verdict {
  enum Kind { kDone, kRedirect, kTryAgain, kClusterDown, kNoScript } kind = kDone;
  Redirect redirect;
  std::string error;
};

// A unit did not run when its reply, or for a MULTI block any reply in it (a queued
// command's or EXEC's: Redis then discards the transaction), is a redirection or says the
// cluster cannot serve the slot now. A block's redirection for another slot than the
// block's is a block spanning slots: passed on as it is (EXEC answers EXECABORT).
Verdict Judge(const std::vector<ReplyPtr>& replies, int slot, bool may_load_script,
              const RedisNode& from) {
  Verdict verdict;
  const bool block = replies.size() > 1;
  for (const ReplyPtr& reply : replies) {
    if (reply->type != REDIS_REPLY_ERROR) continue;
    std::string error = AsString(*reply);
    if (std::optional<Redirect> redirect = ParseRedirect(error, from); redirect.has_value()) {
      if (block && slot >= 0 && redirect->slot != slot) continue;
      verdict.kind = Verdict::kRedirect;
      verdict.redirect = *std::move(redirect);
    } else if (absl::StartsWith(error, "TRYAGAIN")) {
      verdict.kind = Verdict::kTryAgain;
    } else if (absl::StartsWith(error, "CLUSTERDOWN")) {
      verdict.kind = Verdict::kClusterDown;
    } else if (may_load_script && absl::StartsWith(error, "NOSCRIPT")) {
      verdict.kind = Verdict::kNoScript;
    } else {
      continue;
    }
    verdict.error = std::move(error);
    return verdict;
  }
  return verdict;
}

// The unit in a message: its verb or script, never its arguments (they may be personal).
std::string Describe(const ClusterRouter::Unit& unit, const LuaScript* script) {
  if (script != nullptr) return absl::StrCat("the script ", script->name());
  if (unit.commands.empty() || unit.commands[0].empty()) return "an empty command";
  if (unit.commands.size() > 1) return "a MULTI ... EXEC block";
  return absl::AsciiStrToUpper(unit.commands[0][0]);
}

}  // namespace

struct ClusterRouter::Attempt {
  size_t unit = 0;
  // Where to send it instead of the map's owner: the node a MOVED or ASK named, or the one
  // that answered NOSCRIPT.
  std::optional<RedisNode> target;
  bool asking = false;       // ASKING before it (after ASK)
  bool load_script = false;  // SCRIPT LOAD before it (after NOSCRIPT)
  int redirections = 0;      // MOVED and ASK in a row
  Wait wait = Wait::kNone;   // why it is held back this round
  std::string why;           // Redis's error or the connection failure, for messages
};

struct ClusterRouter::Batch {
  RedisNode node;
  std::vector<Attempt> attempts;
  std::optional<ConnectionPool::Lease> lease;  // set while the pipeline is out
  bool loads_script = false;
  std::vector<std::string> wait_command;  // WAIT last in the pipeline, when asked for
  size_t replies = 0;
};

ClusterRouter::ClusterRouter(RedisOptions options)
    : options_(std::move(options)), topology_(options_) {}

std::vector<ClusterRouter::Unit> ClusterRouter::Units(
    const std::vector<std::vector<std::string>>& commands) {
  std::vector<Unit> units;
  size_t i = 0;
  while (i < commands.size()) {
    Unit& unit = units.emplace_back();
    const bool block = IsVerb(commands[i], "MULTI");
    do {
      unit.commands.push_back(commands[i]);
      ++i;
    } while (block && i < commands.size() && !IsVerb(unit.commands.back(), "EXEC") &&
             !IsVerb(unit.commands.back(), "DISCARD"));
    for (const std::vector<std::string>& command : unit.commands) {
      unit.slot = CommandSlot(command);
      if (unit.slot >= 0) break;
    }
  }
  return units;
}

std::vector<ClusterRouter::UnitResult> ClusterRouter::Run(const std::vector<Unit>& units,
                                                          const LuaScript* script,
                                                          Deadline deadline,
                                                          bool wait_for_replicas) {
  std::vector<UnitResult> results;
  results.reserve(units.size());
  std::vector<Attempt> pending;
  pending.reserve(units.size());
  for (size_t i = 0; i < units.size(); ++i) {
    results.emplace_back(absl::InternalError("not run"));  // every unit gets its own below
    Attempt& attempt = pending.emplace_back();
    attempt.unit = i;
  }
  const Deadline start = Clock::now();
  std::chrono::milliseconds backoff = kFirstBackoff;
  while (!pending.empty()) {
    pending = Round(units, script, std::move(pending), deadline, wait_for_replicas, results);
    // Held-back attempts wait a little, unless their time is up; redirected ones go at once.
    const Deadline now = Clock::now();
    bool pause = false;
    std::vector<Attempt> next;
    next.reserve(pending.size());
    for (Attempt& attempt : pending) {
      if (attempt.wait != Wait::kNone) {
        const auto budget = attempt.wait == Wait::kTryAgain ? options_.command_timeout
                                                            : options_.cluster_failover_wait;
        const Deadline limit = std::min(deadline, start + budget);
        if (now + backoff >= limit) {
          // Unreachable nodes were counted as they failed to connect.
          if (options_.stats != nullptr && attempt.wait != Wait::kUnreachable) {
            options_.stats->CountError(limit == deadline ? RedisErrorKind::kTimeout
                                                         : RedisErrorKind::kOther);
          }
          results[attempt.unit] = GiveUp(attempt, units[attempt.unit], script, limit == deadline);
          continue;
        }
        pause = true;
      }
      next.push_back(std::move(attempt));
    }
    pending = std::move(next);
    if (pause && !pending.empty()) {
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, kMaxBackoff);
    }
  }
  return results;
}

std::vector<ClusterRouter::Attempt> ClusterRouter::Round(const std::vector<Unit>& units,
                                                         const LuaScript* script,
                                                         std::vector<Attempt> pending,
                                                         Deadline deadline, bool wait_for_replicas,
                                                         std::vector<UnitResult>& results) {
  absl::StatusOr<std::shared_ptr<const SlotMap>> map = topology_.Current(deadline);
  if (!map.ok()) {
    for (const Attempt& attempt : pending) results[attempt.unit] = map.status();
    return {};
  }
  std::vector<Attempt> next;
  bool refresh = false;
  std::optional<RedisNode> avoid;  // a node that could not be reached

  // By node, in address order: every caller takes its leases in the same order, so two
  // callers cannot each hold one node's last connection while waiting for the other's.
  std::map<std::string, Batch> batches;
  for (Attempt& attempt : pending) {
    attempt.wait = Wait::kNone;
    const Unit& unit = units[attempt.unit];
    const RedisNode* node = attempt.target.has_value() ? &*attempt.target
                            : unit.slot < 0            ? &(*map)->AnyPrimary()
                                                       : (*map)->PrimaryOf(unit.slot);
    if (node == nullptr) {
      clusterdown_.fetch_add(1, std::memory_order_relaxed);
      attempt.wait = Wait::kClusterDown;
      attempt.why = absl::StrCat("no node serves slot ", unit.slot, " in the slot map");
      refresh = true;
      next.push_back(std::move(attempt));
      continue;
    }
    Batch& batch = batches[Endpoint(*node)];
    batch.node = *node;
    batch.loads_script = batch.loads_script || attempt.load_script;
    batch.attempts.push_back(std::move(attempt));
  }

  // Send every node its pipeline before reading any reply.
  for (auto& [endpoint, batch] : batches) {
    absl::StatusOr<ConnectionPool::Lease> lease = topology_.Pool(batch.node).Acquire(deadline);
    if (!lease.ok()) {
      if (IsUnreachable(lease.status())) {
        // Nothing was sent: try again once the map names another node (a failover).
        unreachable_.fetch_add(1, std::memory_order_relaxed);
        refresh = true;
        avoid = batch.node;
        for (Attempt& attempt : batch.attempts) {
          attempt.target.reset();
          attempt.asking = false;
          attempt.wait = Wait::kUnreachable;
          attempt.why = std::string(lease.status().message());
          next.push_back(std::move(attempt));
        }
      } else {
        for (const Attempt& attempt : batch.attempts) results[attempt.unit] = lease.status();
      }
      batch.attempts.clear();
      continue;
    }
    std::vector<std::vector<std::string>> commands;
    if (batch.loads_script) commands.push_back({"SCRIPT", "LOAD", script->source()});
    for (const Attempt& attempt : batch.attempts) {
      if (attempt.asking) commands.push_back({"ASKING"});
      const Unit& unit = units[attempt.unit];
      commands.insert(commands.end(), unit.commands.begin(), unit.commands.end());
    }
    // One WAIT covers every write sent before it on this connection.
    if (wait_for_replicas) {
      batch.wait_command = WaitCommand(options_, deadline);
      commands.push_back(batch.wait_command);
    }
    absl::Status sent = (*lease)->Send(commands, deadline);
    if (!sent.ok()) {
      for (const Attempt& attempt : batch.attempts) results[attempt.unit] = sent;
      batch.attempts.clear();
      continue;
    }
    batch.replies = commands.size();
    batch.lease.emplace(*std::move(lease));
  }

  for (auto& [endpoint, batch] : batches) {
    if (!batch.lease.has_value()) continue;
    absl::StatusOr<std::vector<ReplyPtr>> replies = (*batch.lease)->Receive(batch.replies);
    batch.lease.reset();  // back to the pool (dropped there if it broke)
    if (!replies.ok()) {
      // Sent, so it may have run: never sent again.
      for (const Attempt& attempt : batch.attempts) results[attempt.unit] = replies.status();
      continue;
    }
    size_t at = 0;
    std::string load_error;
    if (batch.loads_script) {
      const redisReply& loaded = *(*replies)[at++];
      if (loaded.type == REDIS_REPLY_ERROR) load_error = AsString(loaded);
    }
    const redisReply* waited = batch.wait_command.empty() ? nullptr : replies->back().get();
    for (Attempt& attempt : batch.attempts) {
      if (attempt.asking) ++at;  // ASKING's +OK
      const Unit& unit = units[attempt.unit];
      std::vector<ReplyPtr> own;
      own.reserve(unit.commands.size());
      for (size_t k = 0; k < unit.commands.size(); ++k) own.push_back(std::move((*replies)[at++]));
      if (attempt.load_script && !load_error.empty()) {
        results[attempt.unit] = absl::InternalError(
            absl::StrCat("Could not load Lua script ", script->name(), ": ", load_error));
        continue;
      }
      Verdict verdict =
          Judge(own, unit.slot, script != nullptr && !attempt.load_script, batch.node);
      switch (verdict.kind) {
        case Verdict::kDone:
          if (waited != nullptr && own.front()->type != REDIS_REPLY_ERROR) {
            absl::Status confirmed = WaitVerdict(*waited, options_, batch.wait_command,
                                                 Describe(unit, script), Endpoint(batch.node));
            if (!confirmed.ok()) {
              results[attempt.unit] = std::move(confirmed);
              continue;
            }
          }
          results[attempt.unit] = std::move(own);
          continue;
        case Verdict::kRedirect:
          (verdict.redirect.ask ? ask_ : moved_).fetch_add(1, std::memory_order_relaxed);
          // MOVED: the map is out of date. ASK: only this key is elsewhere, for now.
          refresh = refresh || !verdict.redirect.ask;
          attempt.target = verdict.redirect.node;
          attempt.asking = verdict.redirect.ask;
          attempt.load_script = false;
          if (++attempt.redirections > kMaxRedirections) {
            if (options_.stats != nullptr) options_.stats->CountError(RedisErrorKind::kRedirect);
            results[attempt.unit] = absl::UnavailableError(
                absl::StrCat("Redis Cluster redirected ", Describe(unit, script), " ",
                             kMaxRedirections, " times in a row (the last time: ", verdict.error,
                             "); its slot map keeps changing. It did not run; try again"));
            continue;
          }
          break;
        case Verdict::kTryAgain:
        case Verdict::kClusterDown:
          (verdict.kind == Verdict::kTryAgain ? tryagain_ : clusterdown_)
              .fetch_add(1, std::memory_order_relaxed);
          refresh = refresh || verdict.kind == Verdict::kClusterDown;
          attempt.wait = verdict.kind == Verdict::kTryAgain ? Wait::kTryAgain : Wait::kClusterDown;
          attempt.why = verdict.error;
          attempt.target.reset();
          attempt.asking = false;
          attempt.redirections = 0;
          break;
        case Verdict::kNoScript:
          // The node lost its scripts (a restart, a failover, SCRIPT FLUSH): load it there.
          attempt.target = batch.node;
          attempt.load_script = true;
          break;
      }
      next.push_back(std::move(attempt));
    }
  }
  batches.clear();  // every lease is back before the refresh and the backoff

  if (refresh) {
    absl::Status refreshed = topology_.Refresh(map->get(), avoid ? &*avoid : nullptr, deadline);
    // Credentials refused, or not a cluster: waiting will not change that.
    if (refreshed.code() == absl::StatusCode::kFailedPrecondition) {
      for (const Attempt& attempt : next) results[attempt.unit] = refreshed;
      return {};
    }
  }
  return next;
}

absl::Status ClusterRouter::GiveUp(const Attempt& attempt, const Unit& unit,
                                   const LuaScript* script, bool deadline_first) const {
  std::string what;
  std::chrono::milliseconds budget = options_.cluster_failover_wait;
  switch (attempt.wait) {
    case Wait::kTryAgain:
      budget = options_.command_timeout;
      what = absl::StrCat("slot ", unit.slot,
                          " is being migrated and its keys are on two nodes for now (", attempt.why,
                          ")");
      break;
    case Wait::kClusterDown:
      what = absl::StrCat("the cluster is not serving slot ", unit.slot, " (", attempt.why,
                          "); a failover may be under way");
      break;
    case Wait::kUnreachable:
    case Wait::kNone:
      what =
          absl::StrCat("the node serving slot ", unit.slot,
                       " cannot be reached and no replica has taken over yet (", attempt.why, ")");
      break;
  }
  if (deadline_first) {
    return absl::UnavailableError(absl::StrCat("the caller's deadline passed while waiting for ",
                                               "Redis Cluster (", what, "); ",
                                               Describe(unit, script), " did not run"));
  }
  return absl::UnavailableError(absl::StrCat("Redis Cluster could not take ",
                                             Describe(unit, script), " for ", budget.count(),
                                             "ms (", what, "); it did not run. Try again"));
}

absl::StatusOr<std::vector<ReplyPtr>> ClusterRouter::RunOnEveryPrimary(
    const std::vector<std::string>& argv, Deadline deadline) {
  absl::StatusOr<std::shared_ptr<const SlotMap>> map = topology_.Current(deadline);
  if (!map.ok()) return map.status();
  std::map<std::string, RedisNode> nodes;
  for (const RedisNode& node : (*map)->primaries()) nodes.emplace(Endpoint(node), node);
  std::vector<ConnectionPool::Lease> leases;
  leases.reserve(nodes.size());
  for (const auto& [endpoint, node] : nodes) {
    absl::StatusOr<ConnectionPool::Lease> lease = topology_.Pool(node).Acquire(deadline);
    if (!lease.ok()) {
      if (IsUnreachable(lease.status())) {
        unreachable_.fetch_add(1, std::memory_order_relaxed);
        leases.clear();
        // So that the next call finds the replica that takes over.
        (void)topology_.Refresh(map->get(), &node, deadline);
      }
      return lease.status();
    }
    absl::Status sent = (*lease)->Send({argv}, deadline);
    if (!sent.ok()) return sent;
    leases.push_back(*std::move(lease));
  }
  std::vector<ReplyPtr> replies;
  replies.reserve(leases.size());
  for (ConnectionPool::Lease& lease : leases) {
    absl::StatusOr<std::vector<ReplyPtr>> reply = lease->Receive(1);
    if (!reply.ok()) return reply.status();
    replies.push_back(std::move(reply->front()));
  }
  return replies;
}

ClusterCounters ClusterRouter::counters() const {
  ClusterCounters c;
  c.moved = moved_.load(std::memory_order_relaxed);
  c.ask = ask_.load(std::memory_order_relaxed);
  c.tryagain = tryagain_.load(std::memory_order_relaxed);
  c.clusterdown = clusterdown_.load(std::memory_order_relaxed);
  c.map_refreshes = topology_.refreshes();
  c.unreachable = unreachable_.load(std::memory_order_relaxed);
  return c;
}

}  // namespace events::redis::internal
