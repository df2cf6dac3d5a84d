#include "services/feedback/rules/report_math.h"

namespace events::feedback {

int64_t CountOf(const Histogram& h) {
  int64_t n = 0;
  for (const auto& [value, count] : h) {
    if (count > 0) n += count;
  }
  return n;
}

std::optional<double> MeanOf(const Histogram& h) {
  const int64_t n = CountOf(h);
  if (n == 0) return std::nullopt;
  double sum = 0;
  for (const auto& [value, count] : h) {
    if (count > 0) sum += static_cast<double>(value) * static_cast<double>(count);
  }
  return sum / static_cast<double>(n);
}

namespace {

// The value at 0-based position `k` of the sorted values.
int32_t ValueAt(const Histogram& h, int64_t k) {
  int64_t seen = 0;
  for (const auto& [value, count] : h) {
    if (count <= 0) continue;
    seen += count;
    if (k < seen) return value;
  }
  return h.rbegin()->first;
}

}  // namespace

std::optional<double> MedianOf(const Histogram& h) {
  const int64_t n = CountOf(h);
  if (n == 0) return std::nullopt;
  if (n % 2 == 1) return static_cast<double>(ValueAt(h, n / 2));
  return (static_cast<double>(ValueAt(h, n / 2 - 1)) + static_cast<double>(ValueAt(h, n / 2))) /
         2.0;
}

std::optional<events::v1::NetPromoterScore> NpsOf(const Histogram& h) {
  events::v1::NetPromoterScore nps;
  for (const auto& [value, count] : h) {
    if (count <= 0) continue;
    if (value >= 9) {
      nps.set_promoters(nps.promoters() + count);
    } else if (value >= 7) {
      nps.set_passives(nps.passives() + count);
    } else {
      nps.set_detractors(nps.detractors() + count);
    }
  }
  const int64_t n = nps.promoters() + nps.passives() + nps.detractors();
  if (n == 0) return std::nullopt;
  nps.set_score(100.0 * static_cast<double>(nps.promoters() - nps.detractors()) /
                static_cast<double>(n));
  return nps;
}

}  // namespace events::feedback
