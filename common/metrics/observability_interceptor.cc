#include <grpcpp/support/interceptor.h>
#include <grpcpp/support/server_interceptor.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include "common/log/request_id.h"
#include "common/metrics/grpc_metrics.h"
#include "common/metrics/method_metrics.h"

namespace events::metrics {
namespace {

using grpc::experimental::InterceptionHookPoints;

constexpr std::string_view kHealthService = "grpc.health.v1.Health";

// One per call; gRPC runs its hooks one at a time, so no locking is needed here.
class ObservabilityInterceptor final : public grpc::experimental::Interceptor {
 public:
  ObservabilityInterceptor(grpc::experimental::ServerRpcInfo* info,
                           std::shared_ptr<MethodMetricsCache> cache, MethodMetrics& metrics)
      : info_(info),
        cache_(std::move(cache)),
        metrics_(metrics),
        start_(std::chrono::steady_clock::now()) {
    metrics_.started().Increment();
  }

  // A call that ends without sending a status (torn down mid-way) still counts as handled,
  // so started and handled always balance.
  // The server context may be half torn down by now, so the peer is not asked for.
  ~ObservabilityInterceptor() override {
    if (!finished_) Finish(grpc::StatusCode::CANCELLED, /*context_alive=*/false);
  }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      request_id_ =
          logging::AssignRequestId(*methods->GetRecvInitialMetadata(), generated_request_id_);
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA) &&
        !request_id_.empty()) {
      methods->GetSendInitialMetadata()->emplace(logging::kRequestIdKey, request_id_);
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      Finish(methods->GetSendStatus().error_code(), /*context_alive=*/true);
    }
    methods->Proceed();
  }

 private:
  void Finish(grpc::StatusCode code, bool context_alive) {
    finished_ = true;
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
    metrics_.handled(code).Increment();
    metrics_.handling_seconds().Observe(elapsed.count());
    // Health probes arrive every few seconds from every prober; at info they would drown
    // the calls people read logs for.
    const auto level =
        metrics_.service() == kHealthService ? spdlog::level::debug : spdlog::level::info;
    if (!spdlog::should_log(level)) return;
    spdlog::log(level, "rpc method={} code={} duration_ms={:.3f} request_id={} peer={}",
                info_->method() ? info_->method() : "unknown", GrpcCodeName(code),
                elapsed.count() * 1000.0, request_id_.empty() ? "-" : request_id_,
                context_alive ? info_->server_context()->peer() : std::string("-"));
  }

  grpc::experimental::ServerRpcInfo* info_;
  // Held so metrics_ stays valid even if the server and its factory go first.
  std::shared_ptr<MethodMetricsCache> cache_;
  MethodMetrics& metrics_;
  const std::chrono::steady_clock::time_point start_;
  std::string request_id_;
  // Must live as long as the call: the call's client metadata refers to it.
  std::string generated_request_id_;
  bool finished_ = false;
};

class ObservabilityInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit ObservabilityInterceptorFactory(std::shared_ptr<prometheus::Registry> registry)
      : cache_(std::make_shared<MethodMetricsCache>(std::move(registry))) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    const char* method = info->method();
    return new ObservabilityInterceptor(info, cache_, cache_->For(method ? method : "unknown"));
  }

 private:
  std::shared_ptr<MethodMetricsCache> cache_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeObservabilityInterceptorFactory(std::shared_ptr<prometheus::Registry> registry) {
  return std::make_unique<ObservabilityInterceptorFactory>(std::move(registry));
}

}  // namespace events::metrics
