#pragma once

// Input rules shared by the parts of Integrations (an internal header of domain/).
#include <algorithm>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace events::integrations::internal {

inline int PageSize(int asked, int fallback, int most) {
  if (asked <= 0) return fallback;
  return std::min(asked, most);
}

inline absl::Status CheckText(const std::string& text, absl::string_view field, size_t min,
                              size_t max) {
  if (text.size() < min) return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  if (text.size() > max) {
    return absl::InvalidArgumentError(absl::StrCat(field, " must be at most ", max, " characters"));
  }
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(absl::StrCat(field, " must not hold control characters"));
    }
  }
  return absl::OkStatus();
}

}  // namespace events::integrations::internal
