#pragma once

#include "absl/status/status.h"
#include "common/redis/redis_client.h"

namespace events::redis::internal {

// The status for an error reply to a single command or script from the Redis at `options`:
// FAILED_PRECONDITION for a refused password (NOAUTH, WRONGPASS) or a cluster node reached
// as a single Redis (MOVED, ASK); UNAVAILABLE for the transient ones (LOADING, BUSY,
// MASTERDOWN, READONLY, TRYAGAIN, CLUSTERDOWN); INTERNAL with Redis's message verbatim for
// the rest, so callers can match the codes their scripts raise.
absl::Status ErrorReplyStatus(const redisReply& reply, const RedisOptions& options);

}  // namespace events::redis::internal
