#include "common/server/service_runner.h"

#include <grpc/grpc.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <exception>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "common/metrics/grpc_metrics.h"
#include "common/metrics/metrics_http_server.h"
#include "common/server/health_watch_canceller.h"
#include "common/server/service_names.h"

namespace events::server {
namespace {

// gRPC's own services are not what "the service is up" is about.
bool IsGrpcInternal(const std::string& name) {
  return name == "grpc.health.v1.Health" || name == "grpc.reflection.v1alpha.ServerReflection";
}

std::string HostPort(const std::string& host, int port) {
  // An IPv6 literal needs brackets to be told apart from its port.
  if (host.find(':') != std::string::npos && host.front() != '[') {
    return absl::StrCat("[", host, "]:", port);
  }
  return absl::StrCat(host, ":", port);
}

const char* SignalName(int signo) {
  if (signo == SIGTERM) return "SIGTERM";
  if (signo == SIGINT) return "SIGINT";
  return "a signal";
}

}  // namespace

ServerOptions ServerOptionsFrom(const config::ServiceConfig& config) {
  ServerOptions options;
  options.service_name = config.service_name;
  options.listen_host = config.listen_host;
  options.grpc_port = config.grpc_port;
  // The environment says 0 for "off"; the runner reserves 0 for "any free port".
  options.metrics_port = config.metrics_port == 0 ? -1 : config.metrics_port;
  options.shutdown_grace = std::chrono::milliseconds(config.shutdown_grace_ms);
  options.drain_timeout = std::chrono::milliseconds(config.drain_timeout_ms);
  options.max_receive_message_bytes = config.max_request_bytes;
  options.grpc_memory_bytes = config.grpc_memory_bytes;
  options.grpc_max_threads = config.grpc_max_threads;
  options.handle_signals = true;
  return options;
}

ServiceRunner::ServiceRunner(ServerOptions options, std::shared_ptr<prometheus::Registry> registry,
                             std::shared_ptr<prometheus::Collectable> platform)
    : options_(std::move(options)), registry_(std::move(registry)), platform_(std::move(platform)) {
  // Debian builds Abseil with its debug checks on, so every absl::Mutex (gRPC takes many
  // per call) also keeps a lock graph to detect deadlocks: measured at a few per cent of a
  // server's CPU under load. It is a development aid; a server does not need it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

ServiceRunner::~ServiceRunner() { Shutdown(); }

void ServiceRunner::AddService(grpc::Service* service) { services_.push_back(service); }

void ServiceRunner::DeclareFamilies(std::vector<prometheus::MetricFamily> families) {
  declared_.insert(declared_.end(), std::make_move_iterator(families.begin()),
                   std::make_move_iterator(families.end()));
}

absl::StatusOr<int> ServiceRunner::Start() {
  if (server_ != nullptr) return absl::FailedPreconditionError("the server is already started");
  if (wakeup_.fd() < 0) return absl::InternalError("cannot create an eventfd for shutdown");
  if (options_.handle_signals) {
    if (absl::Status status = InstallShutdownSignalHandlers(); !status.ok()) return status;
  }
  // Metrics first: if gRPC then fails, stopping the exposer is cheap, and once gRPC is up the
  // service is reachable, so nothing after it may fail.
  if (absl::Status status = StartMetrics(); !status.ok()) return status;
  if (absl::Status status = StartGrpc(); !status.ok()) {
    exposer_.reset();
    metrics_port_ = 0;
    return status;
  }
  MarkServing();
  return grpc_port_;
}

absl::Status ServiceRunner::StartMetrics() {
  if (options_.metrics_port < 0) return absl::OkStatus();
  const std::string address = HostPort(options_.listen_host, options_.metrics_port);
  metrics::MetricsHttpOptions http;
  http.host = options_.listen_host;
  http.port = options_.metrics_port;
  http.service = options_.service_name;
  if (platform_ != nullptr) http.more.push_back(platform_);
  http.declared = declared_;
  absl::StatusOr<std::unique_ptr<metrics::MetricsHttpServer>> server =
      metrics::MetricsHttpServer::Start(http, registry_);
  if (!server.ok()) {
    return absl::UnavailableError(absl::StrCat(
        "cannot serve metrics on ", address, " (", server.status().message(),
        "); is another process using the port? Set EVENTS_METRICS_PORT to a free port, or 0 "
        "to turn metrics off"));
  }
  exposer_ = *std::move(server);
  metrics_port_ = exposer_->port();
  spdlog::info("metrics on http://{}/metrics", HostPort(options_.listen_host, metrics_port_));
  return absl::OkStatus();
}

absl::Status ServiceRunner::StartGrpc() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  const std::string address = HostPort(options_.listen_host, options_.grpc_port);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &grpc_port_);
  // gRPC sets SO_REUSEPORT by default, which lets a second process bind the same port and
  // silently take half the traffic; a taken port must be an error instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(options_.max_receive_message_bytes);
  // Bounds on what many concurrent calls can take together: memory for gRPC's buffers and
  // threads for handlers, per server; calls at once, per connection. Past them gRPC holds
  // back reads or refuses calls instead of growing without limit.
  resource_quota_.Resize(static_cast<size_t>(options_.grpc_memory_bytes));
  resource_quota_.SetMaxThreads(options_.grpc_max_threads);
  builder.SetResourceQuota(resource_quota_);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, options_.max_concurrent_streams);
  for (grpc::Service* service : services_) builder.RegisterService(service);

  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
  creators.push_back(metrics::MakeObservabilityInterceptorFactory(registry_));
  creators.push_back(watch_canceller_->MakeInterceptorFactory());
  creators.push_back(in_flight_->MakeInterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(creators));

  auto names = std::make_shared<std::vector<std::string>>();
  builder.SetOption(CaptureServiceNames(names));

  server_ = builder.BuildAndStart();
  if (server_ == nullptr || grpc_port_ == 0) {
    server_.reset();
    grpc_port_ = 0;
    return absl::UnavailableError(
        absl::StrCat("cannot listen for gRPC on ", address,
                     "; is another process using the port? Set EVENTS_GRPC_PORT to a free port"));
  }
  for (const std::string& name : *names) {
    if (!IsGrpcInternal(name)) service_names_.push_back(name);
  }
  return absl::OkStatus();
}

void ServiceRunner::MarkServing() {
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  health->SetServingStatus("", true);
  for (const std::string& name : service_names_) health->SetServingStatus(name, true);
  spdlog::info("{} serving gRPC on {} ({})", options_.service_name,
               HostPort(options_.listen_host, grpc_port_), absl::StrJoin(service_names_, ", "));
}

void ServiceRunner::WaitForShutdown() {
  WaitForWakeupOrSignal(wakeup_);
  if (const int signo = ReceivedShutdownSignal(); signo != 0) {
    spdlog::info("received {}; shutting down", SignalName(signo));
  } else {
    spdlog::info("shutdown requested");
  }
}

void ServiceRunner::RequestShutdown() { wakeup_.Raise(); }

void ServiceRunner::Shutdown() {
  MutexLock lock(&shutdown_mu_);
  // Whoever waits should stop waiting, whether or not there is anything left to stop.
  wakeup_.Raise();
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;

  server_->GetHealthCheckService()->Shutdown();
  spdlog::info("health set to NOT_SERVING");
  if (options_.shutdown_grace.count() > 0) {
    // Kubernetes removes a terminating pod from its Service's endpoints at the same time as
    // it sends SIGTERM, and the change takes a moment to reach every node: a listener closed
    // at once would refuse calls that are still being routed here. Locally the grace is 0.
    spdlog::info("waiting {} ms before closing the gRPC listener", options_.shutdown_grace.count());
    std::this_thread::sleep_for(options_.shutdown_grace);
  }
  // Health watchers already saw NOT_SERVING; left open they would hold up the drain.
  if (const int watches = watch_canceller_->CancelAll(); watches > 0) {
    spdlog::info("ended {} health watch stream(s)", watches);
  }
  DrainAndStop();
  if (exposer_ != nullptr) {
    exposer_.reset();
    spdlog::info("metrics endpoint stopped");
  }
}

void ServiceRunner::DrainAndStop() {
  const auto drain_end = std::chrono::steady_clock::now() + options_.drain_timeout;
  // Closing the listener and refusing new calls must happen now, while the calls in flight
  // run on. gRPC's own Shutdown(deadline) would do both but then also waits, up to the
  // deadline, for clients to close their idle connections; so the core server is told to
  // shut down here, the in-flight count is watched, and once it is zero (or the drain time
  // is over) the remaining calls and connections are cut. The core allows the second
  // shutdown request that Server::Shutdown makes below.
  // A core completion queue: the C++ one would take the tag for one of its own.
  grpc_completion_queue* shutdown_queue = grpc_completion_queue_create_for_next(nullptr);
  int shutdown_tag = 0;
  grpc_server_shutdown_and_notify(server_->c_server(), shutdown_queue, &shutdown_tag);
  spdlog::info("gRPC listener closed, new calls refused; {} call(s) in flight have {} ms to finish",
               in_flight_->count(), options_.drain_timeout.count());
  while (in_flight_->count() > 0 && std::chrono::steady_clock::now() < drain_end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (const int64_t left = in_flight_->count(); left > 0) {
    spdlog::warn("{} call(s) still in flight after the drain timeout of {} ms; cancelling them",
                 left, options_.drain_timeout.count());
  } else {
    spdlog::info("no call in flight; closing the remaining client connections");
  }
  grpc_server_cancel_all_calls(server_->c_server());
  server_->Shutdown(std::chrono::system_clock::now());
  server_->Wait();
  // The server has shut down, so the notification is already queued.
  grpc_completion_queue_shutdown(shutdown_queue);
  while (grpc_completion_queue_next(shutdown_queue, gpr_inf_future(GPR_CLOCK_REALTIME), nullptr)
             .type != GRPC_QUEUE_SHUTDOWN) {
  }
  grpc_completion_queue_destroy(shutdown_queue);
  spdlog::info("gRPC server stopped");
}

void ServeUntilShutdown(ServiceRunner& runner,
                        const std::vector<std::function<void()>>& stop_workers) {
  runner.WaitForShutdown();
  runner.Shutdown();
  if (!stop_workers.empty()) spdlog::info("stopping {} background worker(s)", stop_workers.size());
  for (const std::function<void()>& stop : stop_workers) stop();
}

}  // namespace events::server
