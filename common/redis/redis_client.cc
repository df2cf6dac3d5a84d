// RedisClient: commands, pipelines and scripts over the connection pool.

#include "common/redis/redis_client.h"

#include <hiredis/hiredis.h>

#include <csignal>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/redis/cluster_router.h"
#include "common/redis/cluster_slot.h"
#include "common/redis/connection_pool.h"
#include "common/redis/replica_wait.h"
#include "common/redis/reply_status.h"

namespace events::redis {

class RedisClient::Pool : public internal::ConnectionPool {
 public:
  using ConnectionPool::ConnectionPool;
};

namespace {

using internal::ErrorReplyStatus;

bool IsErrorReply(const ReplyPtr& reply, absl::string_view prefix) {
  return reply->type == REDIS_REPLY_ERROR && absl::StartsWith(AsString(*reply), prefix);
}

// hiredis writes with write(), not send(MSG_NOSIGNAL): a write to a connection Redis has
// just reset would raise SIGPIPE, whose default action kills the whole service. Ignore it
// unless the program has chosen a handler itself; the write then fails with EPIPE and the
// caller gets UNAVAILABLE.
void IgnoreSigpipeUnlessHandled() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction current {};
    if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
      // Cannot fail: SIG_ERR is only for an invalid signal number or handler.
      (void)signal(SIGPIPE, SIG_IGN);
    }
  });
}

}  // namespace

RedisClient::RedisClient(RedisOptions options) : options_(std::move(options)) {
  options_.stats = std::make_shared<RedisStats>();
  if (options_.cluster_seeds.empty()) {
    pool_ = std::make_unique<Pool>(options_);
  } else {
    cluster_ = std::make_unique<internal::ClusterRouter>(options_);
  }
  IgnoreSigpipeUnlessHandled();
}

RedisClient::~RedisClient() = default;

absl::StatusOr<ReplyPtr> RedisClient::Command(const std::vector<std::string>& argv) {
  if (argv.empty()) return absl::InvalidArgumentError("Redis command is empty");
  absl::StatusOr<std::vector<ReplyPtr>> replies = Pipeline({argv});
  if (!replies.ok()) return replies.status();
  ReplyPtr reply = std::move(replies->front());
  if (reply->type == REDIS_REPLY_ERROR) return ErrorReplyStatus(*reply, options_);
  return reply;
}

absl::StatusOr<std::vector<absl::StatusOr<ReplyPtr>>> RedisClient::EvalMany(
    const LuaScript& script, const std::vector<ScriptCall>& calls) {
  return EvalMany(script, calls, internal::Connection::kNoDeadline);
}

absl::StatusOr<std::vector<absl::StatusOr<ReplyPtr>>> RedisClient::EvalMany(
    const LuaScript& script, const std::vector<ScriptCall>& calls,
    std::chrono::steady_clock::time_point deadline) {
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<std::vector<absl::StatusOr<ReplyPtr>>> results =
      EvalManyUntimed(script, calls, deadline);
  if (!calls.empty()) {
    options_.stats->ObserveScript(script.name(), std::chrono::steady_clock::now() - start);
  }
  return results;
}

absl::StatusOr<std::vector<absl::StatusOr<ReplyPtr>>> RedisClient::EvalManyUntimed(
    const LuaScript& script, const std::vector<ScriptCall>& calls,
    std::chrono::steady_clock::time_point deadline) {
  std::vector<std::vector<std::string>> commands;
  commands.reserve(calls.size() + 1);
  for (const ScriptCall& call : calls) {
    std::vector<std::string>& argv = commands.emplace_back();
    argv.reserve(3 + call.keys.size() + call.args.size());
    // Without a hash (never expected) EVAL sends the source each time: slower, still right.
    if (script.sha1().empty()) {
      argv.insert(argv.end(), {"EVAL", script.source()});
    } else {
      argv.insert(argv.end(), {"EVALSHA", script.sha1()});
    }
    argv.push_back(absl::StrCat(call.keys.size()));
    argv.insert(argv.end(), call.keys.begin(), call.keys.end());
    argv.insert(argv.end(), call.args.begin(), call.args.end());
  }
  std::vector<absl::StatusOr<ReplyPtr>> out;
  if (commands.empty()) return out;
  if (cluster_ != nullptr) return ClusterEvalMany(script, calls, std::move(commands), deadline);

  const bool wait = internal::WaitsForReplicas(options_);
  absl::StatusOr<internal::ConnectionPool::Lease> lease = pool_->Acquire(deadline);
  if (!lease.ok()) return lease.status();
  // With wait_replicas, WAIT ends each round trip: its reply is last, and covers every
  // call sent before it on this connection.
  std::vector<std::string> wait_command;
  if (wait) commands.push_back(wait_command = internal::WaitCommand(options_, deadline));
  absl::StatusOr<std::vector<ReplyPtr>> replies = (*lease)->Run(commands, deadline);
  if (!replies.ok()) return replies.status();
  std::vector<absl::Status> confirmed(calls.size());
  if (wait) {
    commands.pop_back();
    const absl::Status verdict = internal::WaitVerdict(*replies->back(), options_, wait_command,
                                                       absl::StrCat("the script ", script.name()),
                                                       internal::Endpoint(options_));
    replies->pop_back();
    confirmed.assign(calls.size(), verdict);
  }

  // Calls refused with NOSCRIPT did not run: load the script and run just those again.
  std::vector<size_t> refused;
  for (size_t i = 0; i < replies->size(); ++i) {
    if (IsErrorReply((*replies)[i], "NOSCRIPT")) refused.push_back(i);
  }
  if (!refused.empty()) {
    std::vector<std::vector<std::string>> again = {{"SCRIPT", "LOAD", script.source()}};
    for (size_t i : refused) again.push_back(commands[i]);
    if (wait) again.push_back(wait_command = internal::WaitCommand(options_, deadline));
    absl::StatusOr<std::vector<ReplyPtr>> retried = (*lease)->Run(again, deadline);
    if (!retried.ok()) return retried.status();
    if ((*retried)[0]->type == REDIS_REPLY_ERROR) {
      return absl::InternalError(absl::StrCat("Could not load Lua script ", script.name(), ": ",
                                              AsString(*(*retried)[0])));
    }
    for (size_t k = 0; k < refused.size(); ++k) {
      (*replies)[refused[k]] = std::move((*retried)[k + 1]);
      if (wait) {
        confirmed[refused[k]] = internal::WaitVerdict(*retried->back(), options_, wait_command,
                                                      absl::StrCat("the script ", script.name()),
                                                      internal::Endpoint(options_));
      }
    }
  }
  out.reserve(replies->size());
  for (size_t i = 0; i < replies->size(); ++i) {
    ReplyPtr& reply = (*replies)[i];
    if (reply->type == REDIS_REPLY_ERROR) {
      CountErrorReply(*reply, /*from_script=*/true);
      out.emplace_back(ErrorReplyStatus(*reply, options_));
    } else if (!confirmed[i].ok()) {
      out.emplace_back(confirmed[i]);
    } else {
      out.emplace_back(std::move(reply));
    }
  }
  return out;
}

absl::StatusOr<std::vector<ReplyPtr>> RedisClient::Pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  if (commands.empty()) return std::vector<ReplyPtr>();
  for (const std::vector<std::string>& command : commands) {
    if (command.empty())
      return absl::InvalidArgumentError("a Redis command in a pipeline is empty");
  }
  if (cluster_ != nullptr) {
    std::vector<internal::ClusterRouter::UnitResult> units = cluster_->Run(
        internal::ClusterRouter::Units(commands), nullptr, internal::Connection::kNoDeadline);
    std::vector<ReplyPtr> replies;
    replies.reserve(commands.size());
    for (internal::ClusterRouter::UnitResult& unit : units) {
      if (!unit.ok()) return unit.status();
      for (ReplyPtr& reply : *unit) replies.push_back(std::move(reply));
    }
    CountErrorReplies(replies);
    return replies;
  }
  absl::StatusOr<internal::ConnectionPool::Lease> lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  absl::StatusOr<std::vector<ReplyPtr>> replies = (*lease)->Run(commands);
  if (replies.ok()) CountErrorReplies(*replies);
  return replies;
}

absl::StatusOr<ReplyPtr> RedisClient::Eval(const LuaScript& script,
                                           const std::vector<std::string>& keys,
                                           const std::vector<std::string>& args) {
  // One call of EvalMany: the same NOSCRIPT handling, WAIT and routing.
  absl::StatusOr<std::vector<absl::StatusOr<ReplyPtr>>> replies =
      EvalMany(script, {ScriptCall{keys, args}});
  if (!replies.ok()) return replies.status();
  return std::move(replies->front());
}

absl::StatusOr<std::vector<absl::StatusOr<ReplyPtr>>> RedisClient::ClusterEvalMany(
    const LuaScript& script, const std::vector<ScriptCall>& calls,
    std::vector<std::vector<std::string>> commands,
    std::chrono::steady_clock::time_point deadline) {
  std::vector<internal::ClusterRouter::Unit> units;
  units.reserve(calls.size());
  for (size_t i = 0; i < calls.size(); ++i) {
    const int slot = calls[i].keys.empty() ? -1 : internal::KeySlot(calls[i].keys.front());
    units.push_back({{std::move(commands[i])}, slot});
  }
  std::vector<internal::ClusterRouter::UnitResult> results =
      cluster_->Run(units, script.sha1().empty() ? nullptr : &script, deadline,
                    internal::WaitsForReplicas(options_));
  std::vector<absl::StatusOr<ReplyPtr>> out;
  out.reserve(results.size());
  for (internal::ClusterRouter::UnitResult& result : results) {
    if (!result.ok()) {
      out.emplace_back(result.status());
    } else if (result->front()->type == REDIS_REPLY_ERROR) {
      CountErrorReply(*result->front(), /*from_script=*/true);
      out.emplace_back(ErrorReplyStatus(*result->front(), options_));
    } else {
      out.emplace_back(std::move(result->front()));
    }
  }
  return out;
}

absl::Status RedisClient::Ping() {
  absl::StatusOr<std::vector<ReplyPtr>> replies = CommandOnEveryPrimary({"PING"});
  if (!replies.ok()) return replies.status();
  for (const ReplyPtr& reply : *replies) {
    if (reply->type == REDIS_REPLY_ERROR) return ErrorReplyStatus(*reply, options_);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ReplyPtr>> RedisClient::CommandOnEveryPrimary(
    const std::vector<std::string>& argv) {
  if (argv.empty()) return absl::InvalidArgumentError("Redis command is empty");
  if (cluster_ != nullptr) {
    return cluster_->RunOnEveryPrimary(argv, internal::Connection::kNoDeadline);
  }
  absl::StatusOr<internal::ConnectionPool::Lease> lease = pool_->Acquire();
  if (!lease.ok()) return lease.status();
  absl::StatusOr<std::vector<ReplyPtr>> replies = (*lease)->Run({argv});
  if (replies.ok()) CountErrorReplies(*replies);
  return replies;
}

void RedisClient::CountErrorReply(const redisReply& reply, bool from_script) const {
  options_.stats->CountError(ErrorReplyKind(AsString(reply), from_script));
}

void RedisClient::CountErrorReplies(const std::vector<ReplyPtr>& replies) const {
  for (const ReplyPtr& reply : replies) {
    if (reply->type == REDIS_REPLY_ERROR) CountErrorReply(*reply, /*from_script=*/false);
  }
}

ClusterCounters RedisClient::cluster_counters() const {
  return cluster_ != nullptr ? cluster_->counters() : ClusterCounters();
}

}  // namespace events::redis
