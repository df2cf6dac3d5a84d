// echo_server: the bare gRPC baseline that scripts/bench measures the real services against.
// Configured like a service (EVENTS_GRPC_PORT, EVENTS_METRICS_PORT, EVENTS_LOG_*, ...); it
// never talks to Redis, so EVENTS_REDIS_URL is read (and checked) but not used.
// ECHO_API=callback (the default) serves Echo with gRPC's callback API, as registration
// serves Register; ECHO_API=sync with the synchronous API, as the other RPCs are served.
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>
#include <string>

#include "common/config/env_reader.h"
#include "common/config/service_config.h"
#include "common/log/logging.h"
#include "common/server/service_runner.h"
#include "testing/echo_service.h"

namespace {

constexpr int kDefaultGrpcPort = 50090;
constexpr int kDefaultMetricsPort = 9190;

}  // namespace

int main() {
  events::config::EnvReader env;
  const events::config::ServiceConfig config =
      events::config::ReadServiceConfig(env, "echo", kDefaultGrpcPort, kDefaultMetricsPort);
  const std::string api = env.String("ECHO_API", "callback");
  if (api != "callback" && api != "sync") {
    std::fprintf(stderr, "echo_server: cannot start: ECHO_API must be callback or sync, not '%s'\n",
                 api.c_str());
    return 2;
  }
  if (absl::Status s = env.Finish(); !s.ok()) {
    std::fprintf(stderr, "echo_server: cannot start: %s\n", std::string(s.message()).c_str());
    return 2;
  }
  if (absl::Status s = events::logging::InitLogging({"echo", config.log_format, config.log_level});
      !s.ok()) {
    std::fprintf(stderr, "echo_server: cannot start: %s\n", std::string(s.message()).c_str());
    return 2;
  }

  auto registry = std::make_shared<prometheus::Registry>();
  events::testing::EchoServiceImpl sync_service;
  events::testing::CallbackEchoServiceImpl callback_service;
  grpc::Service* service = &callback_service;
  if (api == "sync") service = &sync_service;
  events::server::ServiceRunner runner(events::server::ServerOptionsFrom(config), registry);
  runner.AddService(service);
  absl::StatusOr<int> port = runner.Start();
  if (!port.ok()) {
    spdlog::critical("cannot start: {}", std::string(port.status().message()));
    return 1;
  }
  spdlog::info("echo ({} API) is serving on port {} (metrics on {})", api, *port,
               runner.metrics_port());
  runner.WaitForShutdown();
  runner.Shutdown();
  spdlog::info("echo stopped");
  return 0;
}
