#pragma once

#include <prometheus/registry.h>

#include <map>
#include <string>

namespace events::testing {

// The value of the series `name`{labels} as collected now: a counter's or gauge's value, a
// histogram's sample count. Labels not given are not compared. 0 if there is no such series.
double MetricValue(prometheus::Registry& registry, const std::string& name,
                   const std::map<std::string, std::string>& labels);

}  // namespace events::testing
