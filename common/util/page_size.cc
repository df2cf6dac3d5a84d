#include "common/util/page_size.h"

#include "absl/strings/str_cat.h"

namespace events {

absl::StatusOr<int> PageSize(int64_t asked, const PageLimits& limits, absl::string_view field) {
  if (asked == 0) return limits.default_size;
  if (asked < 0 || asked > limits.max_size) {
    return absl::InvalidArgumentError(absl::StrCat(field, " must be between 1 and ",
                                                   limits.max_size, ", or 0 for the default of ",
                                                   limits.default_size, "; it is ", asked));
  }
  return static_cast<int>(asked);
}

}  // namespace events
