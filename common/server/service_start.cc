#include "common/server/service_start.h"

#include <malloc.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "common/log/logging.h"

namespace events::server {

absl::StatusOr<redis::RedisOptions> StartService(const config::EnvReader& env,
                                                 const config::ServiceConfig& config,
                                                 absl::string_view hint) {
  const std::string name = config.service_name;
  // glibc gives each thread that allocates its own arena (up to 8 per CPU), and memory freed
  // in one is not reused by another: with gRPC's many threads, a burst of large requests
  // left several times the memory it needed resident. Two arenas halved the peak
  // (tests/smoke/memory_test.sh) at no cost measurable in scripts/bench.
  // mallopt is not thread-safe: it runs here, first thing in main, before any thread starts.
  mallopt(M_ARENA_MAX, 2);  // NOLINT(concurrency-mt-unsafe)
  if (absl::Status s = env.Finish(); !s.ok()) {
    std::fprintf(stderr, "%s: cannot start: %s\n", name.c_str(), std::string(s.message()).c_str());
    if (!hint.empty()) std::fprintf(stderr, "(%s)\n", std::string(hint).c_str());
    return absl::FailedPreconditionError("bad configuration");
  }
  if (absl::Status s = logging::InitLogging({name, config.log_format, config.log_level}); !s.ok()) {
    std::fprintf(stderr, "%s: cannot start: %s\n", name.c_str(), std::string(s.message()).c_str());
    return absl::FailedPreconditionError("logging");
  }
  absl::StatusOr<redis::RedisOptions> options = redis::ParseRedisUrl(config.redis_url);
  if (!options.ok()) {
    spdlog::critical("cannot start: EVENTS_REDIS_URL: {}", std::string(options.status().message()));
    return absl::FailedPreconditionError("EVENTS_REDIS_URL");
  }
  options->pool_size = config.redis_pool_size;
  options->command_timeout = std::chrono::milliseconds(config.redis_timeout_ms);
  options->cluster_failover_wait = std::chrono::milliseconds(config.redis_failover_wait_ms);
  options->wait_replicas = config.redis_wait_replicas;
  options->wait_timeout = std::chrono::milliseconds(config.redis_wait_timeout_ms);
  return options;
}

void WarnIfRedisIsDown(redis::RedisClient& redis) {
  if (absl::Status ping = redis.Ping(); !ping.ok()) {
    spdlog::warn("Redis is not reachable yet ({}); calls will fail until it is",
                 std::string(ping.message()));
  }
}

std::string ProcessName() {
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  return std::string(host) + "-" + std::to_string(getpid());
}

}  // namespace events::server
