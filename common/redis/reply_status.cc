// ErrorReplyStatus: which status an error reply from Redis becomes.

#include "common/redis/reply_status.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/redis/connection.h"

namespace events::redis::internal {
namespace {

// Error replies where the same command may well succeed a little later.
bool IsTransientError(absl::string_view error) {
  for (absl::string_view prefix :
       {"LOADING", "BUSY", "MASTERDOWN", "READONLY", "TRYAGAIN", "CLUSTERDOWN"}) {
    if (absl::StartsWith(error, prefix)) return true;
  }
  return false;
}

}  // namespace

absl::Status ErrorReplyStatus(const redisReply& reply, const RedisOptions& options) {
  std::string error = AsString(reply);
  if (absl::StartsWith(error, "NOAUTH") || absl::StartsWith(error, "WRONGPASS")) {
    return absl::FailedPreconditionError(
        absl::StrCat("Redis at ", Endpoint(options), " refused us (", error,
                     "); put its password in EVENTS_REDIS_URL as redis://:password@host:port"));
  }
  // Only a client that does not follow redirections sees these: a cluster reached through
  // redis://, or one that kept redirecting (the cluster client gives up with UNAVAILABLE
  // before passing one on).
  if (options.cluster_seeds.empty() &&
      (absl::StartsWith(error, "MOVED ") || absl::StartsWith(error, "ASK "))) {
    return absl::FailedPreconditionError(
        absl::StrCat("Redis at ", Endpoint(options), " is a Redis Cluster node and redirected us (",
                     error, "); set EVENTS_REDIS_URL to redis+cluster://", Endpoint(options),
                     " so that commands "
                     "go to the node that serves their keys"));
  }
  if (IsTransientError(error)) return absl::UnavailableError(error);
  // Verbatim, so callers can match the codes their scripts raise.
  return absl::InternalError(error);
}

}  // namespace events::redis::internal
