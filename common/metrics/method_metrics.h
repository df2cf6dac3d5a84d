#pragma once

#include <grpcpp/support/status.h>
#include <prometheus/registry.h>

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "absl/base/thread_annotations.h"
#include "common/metrics/grpc_metrics.h"
#include "common/util/mutex.h"

namespace events::metrics {

// The time series of one method, looked up once per call. prometheus::Family::Add builds a
// metric (for a histogram, its buckets) on every call even when the series exists, which
// costs more than the RPC itself on a fast path; this cache avoids that.
class MethodMetrics {
 public:
  MethodMetrics(GrpcServerMetrics& metrics, std::string service, std::string method);

  const std::string& service() const { return service_; }
  const std::string& method() const { return method_; }
  prometheus::Counter& started() { return started_; }
  prometheus::Histogram& handling_seconds() { return handling_seconds_; }
  // Creates the series of `code` on first use, so /metrics only lists codes that happened.
  // Thread-safe.
  prometheus::Counter& handled(grpc::StatusCode code) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  GrpcServerMetrics& metrics_;
  std::string service_;
  std::string method_;
  prometheus::Counter& started_;
  prometheus::Histogram& handling_seconds_;
  Mutex mu_;
  std::array<prometheus::Counter*, grpc::StatusCode::UNAUTHENTICATED + 1> handled_
      ABSL_GUARDED_BY(mu_){};
};

// MethodMetrics by full method name ("/pkg.Service/Method"). Thread-safe. The set of names
// is bounded: gRPC reports calls to unregistered methods under one fixed name.
class MethodMetricsCache {
 public:
  explicit MethodMetricsCache(std::shared_ptr<prometheus::Registry> registry);

  MethodMetrics& For(std::string_view full_method) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  std::shared_ptr<prometheus::Registry> registry_;  // keeps metrics_'s families alive
  GrpcServerMetrics metrics_;
  Mutex mu_;
  std::unordered_map<std::string, std::unique_ptr<MethodMetrics>> by_name_ ABSL_GUARDED_BY(mu_);
};

}  // namespace events::metrics
