#pragma once

// Input rules shared by the parts of Integrations (an internal header of domain/).
#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace events::integrations::internal {

// An offset page token as this service hands them out: 1 to 12 decimal digits, nothing else
// (no sign, no spaces), so no token can overflow the arithmetic the store does with it.
// "" is the first page (0). INVALID_ARGUMENT naming `field` otherwise.
inline absl::StatusOr<int64_t> OffsetToken(absl::string_view token, absl::string_view field) {
  if (token.empty()) return 0;
  int64_t offset = 0;
  const bool digits = token.size() <= 12 && std::all_of(token.begin(), token.end(), [](char c) {
                        return c >= '0' && c <= '9';
                      });
  if (!digits || !absl::SimpleAtoi(token, &offset)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is not one this call returned (pass next_page_token as given)"));
  }
  return offset;
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
