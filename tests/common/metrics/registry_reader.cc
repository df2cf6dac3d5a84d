#include "registry_reader.h"

#include <prometheus/metric_family.h>

namespace events::testing {
namespace {

bool Matches(const prometheus::ClientMetric& metric,
             const std::map<std::string, std::string>& labels) {
  size_t matched = 0;
  for (const prometheus::ClientMetric::Label& label : metric.label) {
    auto it = labels.find(label.name);
    if (it == labels.end()) continue;
    if (it->second != label.value) return false;
    ++matched;
  }
  return matched == labels.size();
}

}  // namespace

double MetricValue(prometheus::Registry& registry, const std::string& name,
                   const std::map<std::string, std::string>& labels) {
  double total = 0;
  for (const prometheus::MetricFamily& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const prometheus::ClientMetric& metric : family.metric) {
      if (!Matches(metric, labels)) continue;
      switch (family.type) {
        case prometheus::MetricType::Counter:
          total += metric.counter.value;
          break;
        case prometheus::MetricType::Gauge:
          total += metric.gauge.value;
          break;
        case prometheus::MetricType::Histogram:
          total += static_cast<double>(metric.histogram.sample_count);
          break;
        default:
          break;
      }
    }
  }
  return total;
}

}  // namespace events::testing
