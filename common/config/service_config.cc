#include "common/config/service_config.h"

#include <string_view>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace events::config {
namespace {

constexpr int64_t kMaxPort = 65535;
// Long enough for any sensible drain or timeout; a larger value is more likely a typo
// (seconds given where milliseconds are expected) than a wish.
constexpr int64_t kMaxMillis = 600000;
constexpr std::string_view kMillis = "a number of milliseconds";

}  // namespace

ServiceConfig ReadServiceConfig(EnvReader& env, std::string service_name, int default_grpc_port,
                                int default_metrics_port) {
  ServiceConfig c;
  c.service_name = std::move(service_name);
  c.listen_host = env.String("EVENTS_LISTEN_HOST", "0.0.0.0");
  c.grpc_port =
      static_cast<int>(env.Int("EVENTS_GRPC_PORT", default_grpc_port, 1, kMaxPort, "a port"));
  c.metrics_port = static_cast<int>(env.Int("EVENTS_METRICS_PORT", default_metrics_port, 0,
                                            kMaxPort, "a port (0 turns metrics off)"));
  c.redis_url = env.String("EVENTS_REDIS_URL", "redis://127.0.0.1:6379/0");
  // Only the scheme is checked here; the Redis client parses the rest and reports its own
  // problems, so the two never disagree about what a valid URL is.
  if (!absl::StartsWith(c.redis_url, "redis://") &&
      !absl::StartsWith(c.redis_url, "redis+cluster://")) {
    env.AddProblem(absl::StrCat("EVENTS_REDIS_URL=\"", RedactedRedisUrl(c.redis_url),
                                "\" is not a Redis URL; set it to "
                                "redis://[user:password@]host[:port][/db] or, for Redis "
                                "Cluster, redis+cluster://[user:password@]host:port,host:port"));
  }
  c.partitions = static_cast<int>(env.Int("EVENTS_PARTITIONS", kDefaultPartitions, 1, 1024));
  c.partitions_set = env.IsSet("EVENTS_PARTITIONS");
  c.key_prefix = env.String("EVENTS_REDIS_KEY_PREFIX", "");
  // Braces would change the Redis Cluster hash tag of every key.
  if (c.key_prefix.find_first_of("{}") != std::string::npos) {
    env.AddProblem(absl::StrCat("EVENTS_REDIS_KEY_PREFIX=\"", c.key_prefix,
                                "\" contains '{' or '}'; set it to a prefix without braces"));
  }
  c.log_format = env.OneOf("EVENTS_LOG_FORMAT", "json", {"json", "text"});
  c.log_level = env.OneOf("EVENTS_LOG_LEVEL", "info", {"trace", "debug", "info", "warn", "error"});
  c.shutdown_grace_ms =
      static_cast<int>(env.Int("EVENTS_SHUTDOWN_GRACE_MS", 0, 0, kMaxMillis, kMillis));
  c.drain_timeout_ms =
      static_cast<int>(env.Int("EVENTS_DRAIN_TIMEOUT_MS", 10000, 0, kMaxMillis, kMillis));
  c.redis_pool_size = static_cast<int>(env.Int("EVENTS_REDIS_POOL_SIZE", 8, 1, 1024));
  c.redis_timeout_ms =
      static_cast<int>(env.Int("EVENTS_REDIS_TIMEOUT_MS", 2000, 1, kMaxMillis, kMillis));
  c.redis_failover_wait_ms =
      static_cast<int>(env.Int("EVENTS_REDIS_FAILOVER_WAIT_MS", 10000, 0, kMaxMillis, kMillis));
  c.redis_wait_replicas =
      static_cast<int>(env.Int("EVENTS_REDIS_WAIT_REPLICAS", 0, 0, 16, "a number of replicas"));
  c.redis_wait_timeout_ms =
      static_cast<int>(env.Int("EVENTS_REDIS_WAIT_TIMEOUT_MS", 1000, 1, kMaxMillis, kMillis));
  // WAIT blocks the connection: a timeout as long as the command's would have the socket give
  // up first, and the caller would hear "no answer" instead of "not confirmed".
  if (c.redis_wait_replicas > 0 && c.redis_wait_timeout_ms >= c.redis_timeout_ms) {
    env.AddProblem(absl::StrCat("EVENTS_REDIS_WAIT_TIMEOUT_MS=", c.redis_wait_timeout_ms,
                                " is not less than EVENTS_REDIS_TIMEOUT_MS=", c.redis_timeout_ms,
                                "; set it lower (say, half of it), so that Redis answers WAIT "
                                "before the command times out"));
  }
  c.max_request_bytes =
      static_cast<int>(env.Int("EVENTS_MAX_REQUEST_BYTES", DefaultMaxRequestBytes(c.service_name),
                               1024, 64 << 20, "a number of bytes"));
  c.grpc_memory_bytes = env.Int("EVENTS_GRPC_MEMORY_BYTES", 64 << 20, 4 << 20, int64_t{16} << 30,
                                "a number of bytes");
  c.grpc_max_threads = static_cast<int>(env.Int("EVENTS_GRPC_MAX_THREADS", 8, 2, 4096));
  return c;
}

int DefaultMaxRequestBytes(const std::string& service_name) {
  // Measured (tests/smoke/memory_test.sh): a 256 KiB request of empty agenda sessions costs
  // scheduling about 13 MB while it is parsed. Every service's largest valid request fits:
  // registration's attendance CSV is capped at 240 KiB (registration/rules/csv.h) and
  // scheduling's agendas at what fits (docs/scheduling.md).
  (void)service_name;
  return 256 * 1024;
}

std::string RedactedRedisUrl(const std::string& url) {
  // redis://[user][:password]@host... : everything between "//" and the last '@' before the
  // host is credentials.
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  const size_t authority = scheme_end + 3;
  const size_t path = url.find('/', authority);
  const size_t at = url.rfind('@', path == std::string::npos ? std::string::npos : path);
  if (at == std::string::npos || at < authority) return url;
  return absl::StrCat(url.substr(0, authority), "***", url.substr(at));
}

}  // namespace events::config
