#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/config/env_reader.h"
#include "common/config/service_config.h"
#include "common/redis/redis_client.h"

namespace events::server {

// The start every service binary shares, in order: report every bad variable (to stderr,
// with `hint` when given), start logging, and work out the Redis options from the
// configuration. FAILED_PRECONDITION when the service must not start; the message has
// been printed already, and the binary should exit with code 2.
absl::StatusOr<redis::RedisOptions> StartService(const config::EnvReader& env,
                                                 const config::ServiceConfig& config,
                                                 absl::string_view hint = "");

// Logs a warning when Redis does not answer yet: not fatal, since calls answer UNAVAILABLE
// until it does and the pool reconnects.
void WarnIfRedisIsDown(redis::RedisClient& redis);

// "<hostname>-<pid>": a consumer name unique to this process, for consumer groups.
std::string ProcessName();

}  // namespace events::server
