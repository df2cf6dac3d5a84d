#include <grpcpp/support/interceptor.h>
#include <grpcpp/support/server_interceptor.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "common/log/call_context.h"
#include "common/log/log_fields.h"
#include "common/log/protobuf_log.h"
#include "common/log/request_id.h"
#include "common/log/trace_context.h"
#include "common/metrics/grpc_metrics.h"
#include "common/metrics/method_metrics.h"

namespace events::metrics {
namespace {

using grpc::experimental::InterceptionHookPoints;

constexpr std::string_view kHealthService = "grpc.health.v1.Health";

// The caller's traceparent, when it sent exactly one valid one. Two are ignored, as the spec
// asks of a traceparent header that appears twice: which one the caller meant is unknown.
std::optional<logging::TraceParent> TraceParentOf(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata) {
  auto [it, end] = metadata.equal_range(logging::kTraceparentKey);
  if (it == end || std::next(it) != end) return std::nullopt;
  return logging::ParseTraceParent(std::string_view(it->second.data(), it->second.size()));
}

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
    // Set while the rest of this batch runs: gRPC runs the handler from inside the last
    // interceptor's Proceed on the same thread (sync and callback servers alike), so the
    // handler, and whatever it posts to a thread pool, works with the call current.
    std::optional<logging::ScopedCall> scope;
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      auto* metadata = methods->GetRecvInitialMetadata();
      request_id_ = logging::AssignRequestId(*metadata, generated_request_id_);
      call_ = std::make_shared<logging::CallContext>(TraceParentOf(*metadata), request_id_);
      scope.emplace(call_);
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA) &&
        !request_id_.empty()) {
      methods->GetSendInitialMetadata()->emplace(logging::kRequestIdKey, request_id_);
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE)) {
      // gRPC hands on a null message when the request's bytes did not parse, and would then
      // answer INTERNAL with no message (UNIMPLEMENTED for callback methods): both say the
      // server is at fault when the client sent something that is not the request.
      // (A stream's reads also end with a null message, when the client half-closes; only a
      // call with exactly one request message is judged here.)
      std::string problem = logging::TakeParseProblem();
      const auto type = info_->type();
      const bool single_request = type == grpc::experimental::ServerRpcInfo::Type::UNARY ||
                                  type == grpc::experimental::ServerRpcInfo::Type::SERVER_STREAMING;
      if (single_request && methods->GetRecvMessage() == nullptr) {
        undecodable_ = true;
        parse_problem_ = std::move(problem);
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      // Only the statuses gRPC answers a failed parse with: a sync server with no thread
      // free also hands on a null message, and its RESOURCE_EXHAUSTED must stay as it is.
      const grpc::StatusCode code = methods->GetSendStatus().error_code();
      if (undecodable_ &&
          (code == grpc::StatusCode::INTERNAL || code == grpc::StatusCode::UNIMPLEMENTED)) {
        methods->ModifySendStatus(UndecodableStatus());
      }
      Finish(methods->GetSendStatus().error_code(), /*context_alive=*/true);
    }
    methods->Proceed();
  }

 private:
  grpc::Status UndecodableStatus() const {
    const std::string method = info_->method() ? info_->method() : "this method";
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        logging::UndecodableRequestMessage(
                            "protobuf message of the type " + method + " takes", parse_problem_));
  }

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
    std::vector<logging::LogField> fields{
        {"rpc", info_->method() ? info_->method() : "unknown"},
        {"code", std::string(GrpcCodeName(code))},
        {"duration_ms", absl::StrFormat("%.3f", elapsed.count() * 1000.0), /*number=*/true},
        {"request_id", request_id_.empty() ? "-" : request_id_}};
    // Named here rather than left to the formatter: the answer may go out on a thread where
    // the call is not current (a callback method answered from a Redis reply).
    if (call_ != nullptr) logging::AppendTraceFields(*call_, fields);
    fields.push_back({"peer", context_alive ? info_->server_context()->peer() : std::string("-")});
    logging::LogWithFields(level, "call", fields);
  }

  grpc::experimental::ServerRpcInfo* info_;
  // Held so metrics_ stays valid even if the server and its factory go first.
  std::shared_ptr<MethodMetricsCache> cache_;
  MethodMetrics& metrics_;
  const std::chrono::steady_clock::time_point start_;
  std::string request_id_;
  // The call's trace, request id and organisation; made when its metadata arrives.
  std::shared_ptr<logging::CallContext> call_;
  // Must live as long as the call: the call's client metadata refers to it.
  std::string generated_request_id_;
  bool finished_ = false;
  bool undecodable_ = false;
  std::string parse_problem_;
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
