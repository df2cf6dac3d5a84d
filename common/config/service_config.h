#pragma once

#include <string>

#include "common/config/env_reader.h"

namespace events::config {

// EVENTS_PARTITIONS when unset: room for tens of Redis Cluster primaries without re-keying
// (docs/configuration.md, "Partitions", says why this number). An installation keeps the count
// it was started with (bus::CheckPartitions).
inline constexpr int kDefaultPartitions = 256;

// Settings every service binary shares, read from EVENTS_* environment variables.
// docs/configuration.md lists each variable, its default and its rule.
struct ServiceConfig {
  std::string service_name;
  std::string listen_host = "0.0.0.0";
  int grpc_port = 0;
  int metrics_port = 0;  // 0: no metrics endpoint.
  // May carry a password: log it only through RedactedRedisUrl().
  std::string redis_url;
  int partitions = kDefaultPartitions;
  // Whether EVENTS_PARTITIONS was set. When not, a service on an installation that already
  // has a count uses that count (server::PartitionsAgree), so only a new installation gets
  // kDefaultPartitions.
  bool partitions_set = false;
  std::string key_prefix;
  std::string log_format = "json";
  std::string log_level = "info";
  // Time between reporting NOT_SERVING and closing the listener, so load balancers and
  // Kubernetes stop routing new calls here before they would be refused.
  int shutdown_grace_ms = 0;
  // How long in-flight calls may run once the listener is closed.
  int drain_timeout_ms = 10000;
  int redis_pool_size = 8;
  int redis_timeout_ms = 2000;
  // Redis Cluster: how long a command waits for a failover (a primary unreachable, or the
  // cluster down) before UNAVAILABLE; a caller's deadline still cuts it short.
  int redis_failover_wait_ms = 10000;
  // WAIT after every script call: this many replicas must acknowledge its writes within
  // redis_wait_timeout_ms, or the call fails UNAVAILABLE (0: off; RedisOptions::wait_replicas).
  int redis_wait_replicas = 0;
  int redis_wait_timeout_ms = 1000;
  // The largest request message the gRPC server accepts; larger ones get RESOURCE_EXHAUSTED
  // before they are parsed. Defaults per service (DefaultMaxRequestBytes).
  int max_request_bytes = 256 * 1024;
  // Memory gRPC may use for its own buffers (reading and writing messages) before it
  // refuses new work; and the threads it may run handlers on.
  int64_t grpc_memory_bytes = 64 << 20;
  int grpc_max_threads = 8;
};

// The limit on one request of `service_name`: what its largest valid request needs, and no
// more, because a hostile request (hundreds of thousands of tiny fields, which protobuf
// parses into objects up to 75 times their size) must not cost more memory than a pod has.
// 256 KiB for every service today.
int DefaultMaxRequestBytes(const std::string& service_name);

// Reads the shared settings; problems are recorded in `env` (call env.Finish() after reading
// the service's own variables too, so every mistake is reported at once).
ServiceConfig ReadServiceConfig(EnvReader& env, std::string service_name, int default_grpc_port,
                                int default_metrics_port);

// The Redis URL with any password replaced by "***", safe to log.
std::string RedactedRedisUrl(const std::string& url);

}  // namespace events::config
