// WAIT after script calls: the command and what its answer means.

#include "common/redis/replica_wait.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace events::redis::internal {

std::vector<std::string> WaitCommand(const RedisOptions& options, Connection::Deadline deadline) {
  std::chrono::milliseconds budget = options.command_timeout;
  if (deadline != Connection::kNoDeadline) {
    budget = std::min(budget, std::chrono::duration_cast<std::chrono::milliseconds>(
                                  deadline - std::chrono::steady_clock::now()));
  }
  // The scripts' own time and the replies' way back fit in the half left over, even on a
  // busy machine (a quarter was too little in replica_wait_test under load).
  const int64_t ms =
      std::max<int64_t>(1, std::min<int64_t>(options.wait_timeout.count(), budget.count() / 2));
  return {"WAIT", absl::StrCat(options.wait_replicas), absl::StrCat(ms)};
}

absl::Status WaitVerdict(const redisReply& reply, const RedisOptions& options,
                         const std::vector<std::string>& wait_command, absl::string_view what,
                         absl::string_view endpoint) {
  if (reply.type == REDIS_REPLY_ERROR) {
    return absl::FailedPreconditionError(
        absl::StrCat(what, " ran on the Redis primary ", endpoint,
                     ", but Redis refused the WAIT that confirms "
                     "it reached a replica (",
                     AsString(reply),
                     "); it may or may not survive a failover. Give "
                     "the service's Redis user +wait, or set EVENTS_REDIS_WAIT_REPLICAS=0"));
  }
  const int64_t acknowledged = AsInt(reply);
  if (reply.type == REDIS_REPLY_INTEGER && acknowledged >= options.wait_replicas) {
    return absl::OkStatus();
  }
  return absl::UnavailableError(absl::StrCat(
      what, " was written on the Redis primary ", endpoint, " but not confirmed by ",
      options.wait_replicas == 1 ? "a replica" : absl::StrCat(options.wait_replicas, " replicas"),
      " within ", wait_command.back(), " ms (", acknowledged,
      " acknowledged; "
      "EVENTS_REDIS_WAIT_REPLICAS=",
      options.wait_replicas, "); it may or may not survive a failover"));
}

}  // namespace events::redis::internal
