#include "services/feedback/rules/report_math.h"

#include "gtest/gtest.h"

namespace events::feedback {
namespace {

TEST(ReportMathTest, MedianWithOddAndEvenCounts) {
  EXPECT_FALSE(MedianOf({}).has_value());
  EXPECT_DOUBLE_EQ(*MedianOf({{1, 1}, {2, 1}, {5, 1}}), 2.0);
  // 1 2 3 4: the mean of 2 and 3.
  EXPECT_DOUBLE_EQ(*MedianOf({{1, 1}, {2, 1}, {3, 1}, {4, 1}}), 2.5);
  // 3 3 4 5: the mean of 3 and 4.
  EXPECT_DOUBLE_EQ(*MedianOf({{3, 2}, {4, 1}, {5, 1}}), 3.5);
  // 2 2 2 5: both middle values are 2.
  EXPECT_DOUBLE_EQ(*MedianOf({{2, 3}, {5, 1}}), 2.0);
  // 0 0 10 10 (0-10 scale, zero counts): 5.
  EXPECT_DOUBLE_EQ(*MedianOf({{0, 2}, {5, 0}, {10, 2}}), 5.0);
}

TEST(ReportMathTest, Mean) {
  EXPECT_FALSE(MeanOf({}).has_value());
  EXPECT_DOUBLE_EQ(*MeanOf({{1, 1}, {2, 1}, {3, 1}, {4, 1}}), 2.5);
  // (5*3 + 4*1) / 4 = 4.75
  EXPECT_DOUBLE_EQ(*MeanOf({{5, 3}, {4, 1}}), 4.75);
}

TEST(ReportMathTest, NpsAllPromoters) {
  auto nps = NpsOf({{9, 3}, {10, 2}});
  ASSERT_TRUE(nps.has_value());
  EXPECT_EQ(nps->promoters(), 5);
  EXPECT_DOUBLE_EQ(nps->score(), 100.0);
}

TEST(ReportMathTest, NpsAllDetractors) {
  auto nps = NpsOf({{0, 1}, {6, 4}});
  ASSERT_TRUE(nps.has_value());
  EXPECT_EQ(nps->detractors(), 5);
  EXPECT_DOUBLE_EQ(nps->score(), -100.0);
}

TEST(ReportMathTest, NpsNoPromotersNorDetractorsIsZero) {
  auto nps = NpsOf({{7, 2}, {8, 3}});
  ASSERT_TRUE(nps.has_value());
  EXPECT_EQ(nps->passives(), 5);
  EXPECT_DOUBLE_EQ(nps->score(), 0.0);
}

TEST(ReportMathTest, NpsNobodyAnsweredIsNone) { EXPECT_FALSE(NpsOf({{9, 0}}).has_value()); }

TEST(ReportMathTest, NpsMixed) {
  // 5 promoters, 3 passives, 2 detractors of 10: 50% - 20% = 30.
  auto nps = NpsOf({{10, 5}, {8, 3}, {3, 2}});
  ASSERT_TRUE(nps.has_value());
  EXPECT_DOUBLE_EQ(nps->score(), 30.0);
  // 1 promoter, 2 detractors of 3: 33.3% - 66.7% = -33.33...
  EXPECT_NEAR(NpsOf({{9, 1}, {0, 2}})->score(), -100.0 / 3.0, 1e-9);
}

}  // namespace
}  // namespace events::feedback
