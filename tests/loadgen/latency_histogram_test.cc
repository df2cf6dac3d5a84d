#include "tools/loadgen/latency_histogram.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>

namespace events::loadgen {
namespace {

TEST(LatencyHistogramTest, EmptyReportsZeros) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.Mean(), 0.0);
  EXPECT_EQ(h.ValueAtQuantile(0.5), 0);
  EXPECT_EQ(h.ValueAtQuantile(1.0), 0);
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram h;
  for (int v = 1; v <= 100; ++v) h.Record(v);
  EXPECT_EQ(h.count(), 100);
  EXPECT_EQ(h.ValueAtQuantile(0.0), 1);
  EXPECT_EQ(h.ValueAtQuantile(0.5), 50);
  EXPECT_EQ(h.ValueAtQuantile(0.9), 90);
  // 0.99 * 100 is 99.00000000000001 in binary: still the 99th value.
  EXPECT_EQ(h.ValueAtQuantile(0.99), 99);
  EXPECT_EQ(h.ValueAtQuantile(0.999), 100);
  EXPECT_EQ(h.ValueAtQuantile(1.0), 100);
  EXPECT_EQ(h.min(), 1);
  EXPECT_EQ(h.max(), 100);
  EXPECT_DOUBLE_EQ(h.Mean(), 50.5);
}

TEST(LatencyHistogramTest, OneValueIsEveryPercentile) {
  LatencyHistogram h;
  h.Record(12345);
  EXPECT_EQ(h.ValueAtQuantile(0.01), 12345);
  EXPECT_EQ(h.ValueAtQuantile(0.5), 12345);
  EXPECT_EQ(h.ValueAtQuantile(0.999), 12345);
  EXPECT_EQ(h.min(), 12345);
  EXPECT_EQ(h.max(), 12345);
}

// Percentiles of 1..1,000,000 us are within the bucket precision (1/64) above the truth.
TEST(LatencyHistogramTest, LargeValuesWithinPrecision) {
  LatencyHistogram h;
  for (int64_t v = 1; v <= 1000000; ++v) h.Record(v);
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    const double truth = q * 1e6;
    const double got = static_cast<double>(h.ValueAtQuantile(q));
    EXPECT_GE(got, truth) << q;
    EXPECT_LE(got, truth * (1 + 1.0 / 64)) << q;
  }
  EXPECT_EQ(h.ValueAtQuantile(1.0), 1000000);
}

TEST(LatencyHistogramTest, SkewedDistributionFindsTheTail) {
  // 990 fast calls at 1 ms and 10 slow ones at 250 ms: p99 is fast, p99.9 is slow.
  LatencyHistogram h;
  for (int i = 0; i < 990; ++i) h.Record(1000);
  for (int i = 0; i < 10; ++i) h.Record(250000);
  // Microseconds far below 2^53: exact as doubles.
  EXPECT_NEAR(static_cast<double>(h.ValueAtQuantile(0.5)), 1000, 1000.0 / 64);
  EXPECT_NEAR(static_cast<double>(h.ValueAtQuantile(0.99)), 1000, 1000.0 / 64);
  EXPECT_NEAR(static_cast<double>(h.ValueAtQuantile(0.991)), 250000, 250000.0 / 64);
  EXPECT_EQ(h.ValueAtQuantile(0.999), 250000);
  EXPECT_EQ(h.max(), 250000);
}

TEST(LatencyHistogramTest, BucketsTileTheRange) {
  // Every bucket starts right after the one before, and values map into their bucket.
  for (int i = 1; i < LatencyHistogram::kBucketCount; ++i) {
    ASSERT_EQ(LatencyHistogram::BucketLowest(i), LatencyHistogram::BucketHighest(i - 1) + 1) << i;
  }
  // A fixed seed on purpose: a failure must reproduce.
  std::mt19937_64 random(7);  // NOLINT(cert-msc51-cpp)
  std::uniform_int_distribution<int64_t> any(0, LatencyHistogram::kMaxValue - 1);
  for (int n = 0; n < 100000; ++n) {
    const int64_t v = any(random);
    const int b = LatencyHistogram::BucketIndex(v);
    ASSERT_LE(LatencyHistogram::BucketLowest(b), v);
    ASSERT_GE(LatencyHistogram::BucketHighest(b), v);
  }
  EXPECT_EQ(LatencyHistogram::BucketIndex(LatencyHistogram::kMaxValue - 1),
            LatencyHistogram::kBucketCount - 1);
}

TEST(LatencyHistogramTest, ClampsOutOfRangeValues) {
  LatencyHistogram h;
  h.Record(-5);
  h.Record(LatencyHistogram::kMaxValue * 2);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), LatencyHistogram::kMaxValue - 1);
  EXPECT_EQ(h.count(), 2);
}

TEST(LatencyHistogramTest, MergeEqualsRecordingEverything) {
  LatencyHistogram a, b, all;
  for (int v = 0; v < 5000; ++v) {
    (v % 3 == 0 ? a : b).Record(int64_t{v} * 37);
    all.Record(int64_t{v} * 37);
  }
  LatencyHistogram empty;
  a.Merge(empty);
  a.Merge(b);
  EXPECT_EQ(a.count(), all.count());
  EXPECT_EQ(a.min(), all.min());
  EXPECT_EQ(a.max(), all.max());
  EXPECT_DOUBLE_EQ(a.Mean(), all.Mean());
  for (double q : {0.1, 0.5, 0.9, 0.99, 0.999}) {
    EXPECT_EQ(a.ValueAtQuantile(q), all.ValueAtQuantile(q)) << q;
  }
  // Merging into an empty histogram takes the other's minimum.
  empty.Merge(b);
  EXPECT_EQ(empty.min(), b.min());
}

}  // namespace
}  // namespace events::loadgen
