#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace events {

// How many items one page of a listing holds, for every listing of every service.
struct PageLimits {
  int default_size = 25;  // what 0 (unset) means
  int max_size = 100;
};

// The one rule for a requested page size: 0 means limits.default_size; 1..limits.max_size
// is taken as asked; anything else is INVALID_ARGUMENT naming `field` and the range (a
// larger page is refused rather than silently cut, so a client never mistakes a short page
// for the end of the list).
absl::StatusOr<int> PageSize(int64_t asked, const PageLimits& limits,
                             absl::string_view field = "page.page_size");

}  // namespace events
