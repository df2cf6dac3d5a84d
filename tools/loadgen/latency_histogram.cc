#include "tools/loadgen/latency_histogram.h"

#include <algorithm>
#include <cmath>

namespace events::loadgen {
namespace {

// 2^7 = 128 exact buckets, then 64 buckets per power of two.
constexpr int kSubBucketBits = 7;
constexpr int64_t kSubBucketCount = int64_t{1} << kSubBucketBits;  // 128
constexpr int64_t kHalfSubBucketCount = kSubBucketCount / 2;       // 64

int HighestBit(uint64_t v) { return 63 - __builtin_clzll(v); }

}  // namespace

int LatencyHistogram::BucketIndex(int64_t micros) {
  if (micros < 0) micros = 0;
  if (micros >= kMaxValue) micros = kMaxValue - 1;
  if (micros < kSubBucketCount) return static_cast<int>(micros);
  // shift >= 1, and (micros >> shift) is in [64, 128).
  const int shift = HighestBit(static_cast<uint64_t>(micros)) - (kSubBucketBits - 1);
  return static_cast<int>(kSubBucketCount + (shift - 1) * kHalfSubBucketCount +
                          ((micros >> shift) - kHalfSubBucketCount));
}

int64_t LatencyHistogram::BucketLowest(int index) {
  if (index < kSubBucketCount) return index;
  const int64_t past = index - kSubBucketCount;
  const int shift = static_cast<int>(past / kHalfSubBucketCount) + 1;
  return (kHalfSubBucketCount + past % kHalfSubBucketCount) << shift;
}

int64_t LatencyHistogram::BucketHighest(int index) {
  if (index < kSubBucketCount) return index;
  const int shift = static_cast<int>((index - kSubBucketCount) / kHalfSubBucketCount) + 1;
  return BucketLowest(index) + (int64_t{1} << shift) - 1;
}

void LatencyHistogram::Record(int64_t micros) {
  micros = std::clamp<int64_t>(micros, 0, kMaxValue - 1);
  ++counts_[BucketIndex(micros)];
  if (count_ == 0 || micros < min_) min_ = micros;
  if (micros > max_) max_ = micros;
  ++count_;
  sum_ += micros;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (int i = 0; i < kBucketCount; ++i) counts_[i] += other.counts_[i];
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
}

double LatencyHistogram::Mean() const {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(count_);
}

int64_t LatencyHistogram::ValueAtQuantile(double quantile) const {
  if (count_ == 0) return 0;
  quantile = std::clamp(quantile, 0.0, 1.0);
  // The rank (1-based) of the value asked for; at least the first value. The small
  // subtraction keeps 0.99 * 100 (99.00000000000001 in binary) at rank 99, not 100.
  const int64_t rank = std::max<int64_t>(
      1, static_cast<int64_t>(std::ceil(quantile * static_cast<double>(count_) - 1e-9)));
  int64_t seen = 0;
  for (int i = 0; i < kBucketCount; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::clamp(BucketHighest(i), min(), max_);
  }
  return max_;
}

}  // namespace events::loadgen
