#pragma once

#include <cstddef>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace events {

// Checks a text field: valid UTF-8, no control characters (newlines and tabs allowed only
// when multiline), and between min_chars and max_chars characters after trimming.
// INVALID_ARGUMENT naming the field and the rule.
absl::Status CheckText(absl::string_view value, absl::string_view field, size_t min_chars,
                       size_t max_chars, bool multiline = false);

// A plausible e-mail address: one '@', a non-empty local part, a domain with a dot, no
// spaces, at most 254 characters. Deliberately loose: real delivery is the real test.
absl::Status CheckEmail(absl::string_view value, absl::string_view field);

// An https URL of at most 2048 characters with a host and no spaces.
absl::Status CheckHttpsUrl(absl::string_view value, absl::string_view field);

}  // namespace events
