#include "common/metrics/grpc_metrics.h"

#include "absl/status/status.h"

namespace events::metrics {

GrpcServerMetrics::GrpcServerMetrics(prometheus::Registry& registry)
    : started(prometheus::BuildCounter()
                  .Name("grpc_server_started_total")
                  .Help("RPCs started on the server.")
                  .Register(registry)),
      handled(prometheus::BuildCounter()
                  .Name("grpc_server_handled_total")
                  .Help("RPCs completed on the server, by status code.")
                  .Register(registry)),
      handling_seconds(prometheus::BuildHistogram()
                           .Name("grpc_server_handling_seconds")
                           .Help("Time from an RPC's arrival to its status being sent.")
                           .Register(registry)) {}

const prometheus::Histogram::BucketBoundaries& HandlingSecondsBuckets() {
  static const auto* const kBuckets = new prometheus::Histogram::BucketBoundaries{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *kBuckets;
}

std::string_view GrpcCodeName(grpc::StatusCode code) {
  // gRPC and absl share the canonical code numbering, and absl already spells the names.
  if (code < grpc::StatusCode::OK || code > grpc::StatusCode::UNAUTHENTICATED) {
    return "UNKNOWN";
  }
  static const auto* const kNames = [] {
    auto* names = new std::string[grpc::StatusCode::UNAUTHENTICATED + 1];
    for (int i = 0; i <= grpc::StatusCode::UNAUTHENTICATED; ++i) {
      names[i] = absl::StatusCodeToString(static_cast<absl::StatusCode>(i));
    }
    return names;
  }();
  return kNames[code];
}

}  // namespace events::metrics
