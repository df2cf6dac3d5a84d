#include "common/metrics/method_metrics.h"

#include <utility>

namespace events::metrics {

MethodMetrics::MethodMetrics(GrpcServerMetrics& metrics, std::string service, std::string method)
    : metrics_(metrics),
      service_(std::move(service)),
      method_(std::move(method)),
      started_(metrics.started.Add({{"grpc_service", service_}, {"grpc_method", method_}})),
      handling_seconds_(metrics.handling_seconds.Add(
          {{"grpc_service", service_}, {"grpc_method", method_}}, HandlingSecondsBuckets())) {}

prometheus::Counter& MethodMetrics::handled(grpc::StatusCode code) {
  if (code < grpc::StatusCode::OK || code > grpc::StatusCode::UNAUTHENTICATED) {
    code = grpc::StatusCode::UNKNOWN;
  }
  MutexLock lock(&mu_);
  prometheus::Counter*& counter = handled_[code];
  if (counter == nullptr) {
    counter = &metrics_.handled.Add({{"grpc_service", service_},
                                     {"grpc_method", method_},
                                     {"grpc_code", std::string(GrpcCodeName(code))}});
  }
  return *counter;
}

MethodMetricsCache::MethodMetricsCache(std::shared_ptr<prometheus::Registry> registry)
    : registry_(std::move(registry)), metrics_(*registry_) {}

MethodMetrics& MethodMetricsCache::For(std::string_view full_method) {
  MutexLock lock(&mu_);
  auto it = by_name_.find(std::string(full_method));
  if (it != by_name_.end()) return *it->second;
  // "/events.v1.SchedulingService/GetEvent" -> ("events.v1.SchedulingService", "GetEvent").
  std::string service = "unknown";
  std::string method(full_method);
  const size_t slash = full_method.rfind('/');
  if (full_method.size() > 1 && full_method[0] == '/' && slash != 0 &&
      slash != std::string_view::npos) {
    service = std::string(full_method.substr(1, slash - 1));
    method = std::string(full_method.substr(slash + 1));
  }
  auto metrics = std::make_unique<MethodMetrics>(metrics_, std::move(service), std::move(method));
  MethodMetrics& result = *metrics;
  by_name_.emplace(std::string(full_method), std::move(metrics));
  return result;
}

}  // namespace events::metrics
