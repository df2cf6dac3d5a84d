#pragma once

#include <string>

#include "common/config/env_reader.h"

namespace events::config {

// Settings every service binary shares, read from EVENTS_* environment variables.
// docs/configuration.md lists each variable, its default and its rule.
struct ServiceConfig {
  std::string service_name;
  std::string listen_host = "0.0.0.0";
  int grpc_port = 0;
  int metrics_port = 0;  // 0: no metrics endpoint.
  // May carry a password: log it only through RedactedRedisUrl().
  std::string redis_url;
  int partitions = 16;
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
};

// Reads the shared settings; problems are recorded in `env` (call env.Finish() after reading
// the service's own variables too, so every mistake is reported at once).
ServiceConfig ReadServiceConfig(EnvReader& env, std::string service_name, int default_grpc_port,
                                int default_metrics_port);

// The Redis URL with any password replaced by "***", safe to log.
std::string RedactedRedisUrl(const std::string& url);

}  // namespace events::config
