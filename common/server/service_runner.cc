#include "common/server/service_runner.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <exception>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "common/metrics/grpc_metrics.h"
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
  options.handle_signals = true;
  return options;
}

ServiceRunner::ServiceRunner(ServerOptions options, std::shared_ptr<prometheus::Registry> registry)
    : options_(std::move(options)), registry_(std::move(registry)) {
  // Debian builds Abseil with its debug checks on, so every absl::Mutex (gRPC takes many
  // per call) also keeps a lock graph to detect deadlocks: measured at a few per cent of a
  // server's CPU under load. It is a development aid; a server does not need it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

ServiceRunner::~ServiceRunner() { Shutdown(); }

void ServiceRunner::AddService(grpc::Service* service) { services_.push_back(service); }

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
  // prometheus-cpp reports a failed bind by throwing; nothing past this function throws.
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(address);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat(
        "cannot serve metrics on ", address, " (", e.what(),
        "); is another process using the port? Set EVENTS_METRICS_PORT to a free port, or 0 "
        "to turn metrics off"));
  }
  exposer_->RegisterCollectable(registry_);
  const std::vector<int> ports = exposer_->GetListeningPorts();
  metrics_port_ = ports.empty() ? options_.metrics_port : ports.front();
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
  std::lock_guard<std::mutex> lock(shutdown_mu_);
  // Whoever waits should stop waiting, whether or not there is anything left to stop.
  wakeup_.Raise();
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;

  server_->GetHealthCheckService()->Shutdown();
  spdlog::info("health set to NOT_SERVING");
  if (options_.shutdown_grace.count() > 0) {
    // Load balancers and Kubernetes need a moment to see NOT_SERVING and stop sending calls
    // here; closing the listener before that would fail calls that could have gone elsewhere.
    spdlog::info("waiting {} ms before closing the gRPC listener", options_.shutdown_grace.count());
    std::this_thread::sleep_for(options_.shutdown_grace);
  }
  // Health watchers already saw NOT_SERVING; left open they would hold up the drain.
  if (const int watches = watch_canceller_->CancelAll(); watches > 0) {
    spdlog::info("ended {} health watch stream(s)", watches);
  }
  spdlog::info("closing the gRPC listener; in-flight calls have {} ms to finish",
               options_.drain_timeout.count());
  // Wait for the calls in flight, not for the whole drain timeout: once none is left, a
  // shutdown with no grace closes idle client connections at once, which gRPC would
  // otherwise wait on until the deadline.
  const auto drain_end = std::chrono::steady_clock::now() + options_.drain_timeout;
  while (in_flight_->count() > 0 && std::chrono::steady_clock::now() < drain_end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (const int64_t left = in_flight_->count(); left > 0) {
    spdlog::warn("{} call(s) still in flight after {} ms; cancelling them", left,
                 options_.drain_timeout.count());
  }
  server_->Shutdown(std::chrono::system_clock::now());
  server_->Wait();
  spdlog::info("gRPC server stopped");
  if (exposer_ != nullptr) {
    exposer_.reset();
    spdlog::info("metrics endpoint stopped");
  }
}

}  // namespace events::server
