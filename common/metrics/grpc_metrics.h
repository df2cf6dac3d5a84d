#pragma once

#include <grpcpp/support/server_interceptor.h>
#include <grpcpp/support/status.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string_view>

namespace events::metrics {

// The gRPC server metrics, named as in go-grpc-prometheus so existing dashboards work.
// Registering twice on one registry returns the same families.
struct GrpcServerMetrics {
  explicit GrpcServerMetrics(prometheus::Registry& registry);

  // grpc_server_started_total{grpc_service,grpc_method}
  prometheus::Family<prometheus::Counter>& started;
  // grpc_server_handled_total{grpc_service,grpc_method,grpc_code}; grpc_code is the name,
  // e.g. "OK", "INVALID_ARGUMENT".
  prometheus::Family<prometheus::Counter>& handled;
  // grpc_server_handling_seconds{grpc_service,grpc_method}, from the call's arrival to its
  // status being sent.
  prometheus::Family<prometheus::Histogram>& handling_seconds;
};

// Bucket bounds of grpc_server_handling_seconds: 0.5 ms to 10 s.
const prometheus::Histogram::BucketBoundaries& HandlingSecondsBuckets();

// "OK", "CANCELLED", ... "UNAUTHENTICATED"; "UNKNOWN" for a value outside the enum.
std::string_view GrpcCodeName(grpc::StatusCode code);

// Interceptors that, for every call: count it in GrpcServerMetrics registered on `registry`;
// assign its request id (common/log/request_id.h) and send it back as x-request-id initial
// metadata; and write one access-log line at info (debug for grpc.health.v1.Health) with
// method, code, duration_ms, request_id and peer. Thread-safe.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeObservabilityInterceptorFactory(std::shared_ptr<prometheus::Registry> registry);

}  // namespace events::metrics
