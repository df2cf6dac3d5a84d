#pragma once

#include <array>
#include <cstdint>

namespace events::loadgen {

// Latencies in whole microseconds, in log-linear buckets (the idea of HdrHistogram): values
// below 128 us are kept exactly; above, each power of two is split into 64 equal buckets, so
// a reported value is never more than 1/64 (1.6%) above the true one. Values from 0 to about
// 19 hours fit; larger ones are clamped. Fixed size (about 16 KiB), no allocation after
// construction. Not thread-safe: keep one per thread and Merge() them at the end.
class LatencyHistogram {
 public:
  // Values at or above this are recorded as kMaxValue - 1.
  static constexpr int64_t kMaxValue = int64_t{1} << 36;

  // Negative values are recorded as 0.
  void Record(int64_t micros);
  // Adds every value recorded in `other`.
  void Merge(const LatencyHistogram& other);

  int64_t count() const { return count_; }
  // 0 when empty. min() and max() are the exact recorded values (after clamping).
  int64_t min() const { return count_ == 0 ? 0 : min_; }
  int64_t max() const { return max_; }
  double Mean() const;

  // The smallest value v such that at least `quantile` of the recorded values are <= v, to
  // the histogram's precision: the upper end of v's bucket, but never above max().
  // `quantile` is in [0, 1] (clamped); 0 when empty.
  int64_t ValueAtQuantile(double quantile) const;

  // The bucket a value falls in, and the range of values a bucket holds (for tests).
  static int BucketIndex(int64_t micros);
  static int64_t BucketLowest(int index);
  static int64_t BucketHighest(int index);
  // 128 exact buckets, then 64 for each power of two from 2^7 to 2^35.
  static constexpr int kBucketCount = 128 + (36 - 7) * 64;

 private:
  std::array<int64_t, kBucketCount> counts_{};
  int64_t count_ = 0;
  int64_t min_ = 0;
  int64_t max_ = 0;
  // Sum of the recorded values, for the mean; overflows only after ~10^8 hours of latency.
  int64_t sum_ = 0;
};

}  // namespace events::loadgen
