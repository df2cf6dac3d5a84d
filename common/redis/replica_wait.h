#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/redis/connection.h"
#include "common/redis/redis_client.h"

namespace events::redis::internal {

// RedisOptions::wait_replicas: after script calls, WAIT on the same connection, so that a
// call is acknowledged only once its writes have reached that many replicas (a write that
// only the primary holds is lost if the primary dies before passing it on). One WAIT after a
// pipeline covers every write sent on that connection before it.

// True when script calls are to be followed by WAIT.
inline bool WaitsForReplicas(const RedisOptions& options) { return options.wait_replicas > 0; }

// The WAIT command for a pipeline sent now: `WAIT <wait_replicas> <ms>`, the timeout being
// wait_timeout cut to half of what is left of the command timeout and the caller's deadline,
// so that Redis answers WAIT before the socket or the caller gives up; never 0 (which would
// make WAIT block for ever).
std::vector<std::string> WaitCommand(const RedisOptions& options, Connection::Deadline deadline);

// What WAIT's `reply` means for the successful script calls it covers: OK when at least
// wait_replicas replicas acknowledged them; otherwise UNAVAILABLE saying that `what` (the
// script's name) ran on the primary at `endpoint` but is not confirmed and may or may not
// survive a failover; FAILED_PRECONDITION when Redis refused WAIT itself (e.g. a Redis user
// without +wait), naming the setting.
absl::Status WaitVerdict(const redisReply& reply, const RedisOptions& options,
                         const std::vector<std::string>& wait_command, absl::string_view what,
                         absl::string_view endpoint);

}  // namespace events::redis::internal
