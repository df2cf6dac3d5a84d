#include "common/util/page_size.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace events {
namespace {

using ::testing::HasSubstr;

TEST(PageSizeTest, ZeroMeansTheDefaultAndInRangeIsTakenAsAsked) {
  const PageLimits limits{25, 100};
  EXPECT_EQ(PageSize(0, limits).value(), 25);
  EXPECT_EQ(PageSize(1, limits).value(), 1);
  EXPECT_EQ(PageSize(100, limits).value(), 100);
}

TEST(PageSizeTest, OutOfRangeIsRefusedNamingTheFieldAndTheRange) {
  const PageLimits limits{25, 100};
  for (int64_t asked : {int64_t{-1}, int64_t{101}, int64_t{1} << 40}) {
    absl::StatusOr<int> size = PageSize(asked, limits, "limit");
    ASSERT_EQ(size.status().code(), absl::StatusCode::kInvalidArgument) << asked;
    EXPECT_THAT(size.status().message(), HasSubstr("limit must be between 1 and 100"));
    EXPECT_THAT(size.status().message(), HasSubstr("default of 25"));
  }
  EXPECT_THAT(PageSize(-5, limits).status().message(), HasSubstr("page.page_size"));
}

}  // namespace
}  // namespace events
