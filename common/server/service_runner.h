#pragma once

#include <grpcpp/resource_quota.h>
#include <grpcpp/server.h>
#include <prometheus/registry.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "common/config/service_config.h"
#include "common/metrics/metrics_http_server.h"
#include "common/server/health_watch_canceller.h"
#include "common/server/in_flight.h"
#include "common/server/shutdown_signal.h"
#include "common/util/mutex.h"

namespace events::server {

struct ServerOptions {
  std::string service_name;
  std::string listen_host = "0.0.0.0";
  int grpc_port = 0;      // 0: pick a free port (tests)
  int metrics_port = -1;  // -1: no metrics endpoint; 0: pick a free port
  // Time between reporting NOT_SERVING and closing the listener (for load balancers, such as
  // Kubernetes endpoints, to stop routing calls here).
  std::chrono::milliseconds shutdown_grace{0};
  // How long in-flight calls may run once the listener is closed; then they are cancelled.
  std::chrono::milliseconds drain_timeout{10000};
  // Requests larger than this get RESOURCE_EXHAUSTED before they are parsed.
  int max_receive_message_bytes = 256 * 1024;
  // gRPC's resource quota: memory for its buffers, and threads for handlers (sync API).
  int64_t grpc_memory_bytes = 64 << 20;
  int grpc_max_threads = 8;
  // Calls one client connection may have open at once.
  int max_concurrent_streams = 64;
  // Start() installs SIGTERM/SIGINT handlers that wake WaitForShutdown. Off by default so
  // tests running several servers leave signals alone; ServerOptionsFrom turns it on.
  bool handle_signals = false;
};

// Options for a service binary: ports and timings from `config`, signals handled.
ServerOptions ServerOptionsFrom(const config::ServiceConfig& config);

// Runs one gRPC server with what every service needs: grpc.health.v1, reflection, metrics
// and access logs for every call (common/metrics/grpc_metrics.h), a Prometheus /metrics
// endpoint, and a shutdown that drains. Typical main:
//   ServiceRunner runner(ServerOptionsFrom(config), registry);
//   runner.AddService(&service);
//   if (auto port = runner.Start(); !port.ok()) { log; return 1; }
//   runner.WaitForShutdown();
//   runner.Shutdown();
// Thread-safe except that AddService and Start must come from one thread, before the rest.
class ServiceRunner {
 public:
  // `registry` is served on /metrics; the service registers its own metrics on it too.
  // `platform`, when given, is served after it (ServiceCore::platform's collectable: Redis and
  // queue metrics); the process metrics come with the endpoint (MetricsHttpServer).
  ServiceRunner(ServerOptions options, std::shared_ptr<prometheus::Registry> registry,
                std::shared_ptr<prometheus::Collectable> platform = nullptr);
  // Shuts down if still running.
  ~ServiceRunner();
  ServiceRunner(const ServiceRunner&) = delete;
  ServiceRunner& operator=(const ServiceRunner&) = delete;

  // Not owned; must outlive the runner. Call before Start.
  void AddService(grpc::Service* service);
  // Families /metrics names (HELP and TYPE) while they have no series yet
  // (MetricsHttpOptions::declared): those whose labels come with the data. Call before Start.
  void DeclareFamilies(std::vector<prometheus::MetricFamily> families);

  // Binds and starts serving; health reports SERVING for "" and for each added service's
  // full name. Returns the bound gRPC port. UNAVAILABLE naming the address and the variable
  // to change when a port is taken; FAILED_PRECONDITION if called twice.
  absl::StatusOr<int> Start();

  // Blocks until SIGTERM/SIGINT (when handled), RequestShutdown() or Shutdown().
  // Returns at once if that already happened.
  void WaitForShutdown();
  // Wakes WaitForShutdown. Async-signal-safe; does not stop anything by itself.
  void RequestShutdown();

  // Health NOT_SERVING for all, wait shutdown_grace (0 by default), then close the listener
  // and refuse new calls at once while in-flight ones get up to drain_timeout to finish
  // (then they are cancelled), and stop the metrics endpoint. Returns as soon as the last
  // call has finished. Logs each step. Idempotent: later or concurrent calls return once the
  // first has finished.
  void Shutdown() ABSL_LOCKS_EXCLUDED(shutdown_mu_);

  // Bound ports; 0 before Start and, for metrics, when disabled.
  int grpc_port() const { return grpc_port_; }
  int metrics_port() const { return metrics_port_; }
  // nullptr before Start.
  grpc::Server* server() { return server_.get(); }

 private:
  absl::Status StartMetrics();
  absl::Status StartGrpc();
  void MarkServing();
  // The part of Shutdown after the grace: refuse new calls, drain, stop.
  void DrainAndStop();

  const ServerOptions options_;
  const std::shared_ptr<prometheus::Registry> registry_;
  const std::shared_ptr<prometheus::Collectable> platform_;
  std::vector<grpc::Service*> services_;
  std::vector<prometheus::MetricFamily> declared_;
  // Full names of the added services, for health.
  std::vector<std::string> service_names_;
  const std::shared_ptr<HealthWatchCanceller> watch_canceller_ =
      std::make_shared<HealthWatchCanceller>();
  const std::shared_ptr<InFlightCalls> in_flight_ = std::make_shared<InFlightCalls>();
  std::unique_ptr<metrics::MetricsHttpServer> exposer_;
  grpc::ResourceQuota resource_quota_{"events-server"};
  std::unique_ptr<grpc::Server> server_;
  int grpc_port_ = 0;
  int metrics_port_ = 0;
  Wakeup wakeup_;
  Mutex shutdown_mu_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;
};

// The end of every service's main: blocks until SIGTERM/SIGINT (or RequestShutdown), shuts
// `runner` down (NOT_SERVING and new calls refused at once, in-flight calls drained), and
// only then runs `stop_workers` in order. Background workers (pollers, webhook delivery)
// may take a while to stop; stopping them first would keep the server reporting SERVING
// and accepting calls all that time.
void ServeUntilShutdown(ServiceRunner& runner,
                        const std::vector<std::function<void()>>& stop_workers);

}  // namespace events::server
