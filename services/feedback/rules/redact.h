#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace events::feedback {

// What replaces a redacted e-mail address or phone number.
inline constexpr absl::string_view kEmailRedacted = "[email removed]";
inline constexpr absl::string_view kPhoneRedacted = "[phone removed]";

// Free text with contact details taken out, so reports and exports never show how to reach
// someone:
// - e-mail addresses (local@domain.tld), where the local part and domain may hold non-ASCII
//   (UTF-8) characters;
// - any run of 9 or more digits, not part of a longer word, optionally starting with '+' or
//   '(', whose digit groups are separated by spaces, no-break spaces (U+00A0), brackets, or a
//   '-' or '.' with optional spaces around it ("07700 900123", "+44 (0)20 7946 0958",
//   "+1-415-555-2671", "020 - 7946 - 0958"). There is no upper limit: two numbers side by
//   side are redacted together. Dates, times, prices and short numbers stay.
// Pure; thread-safe.
std::string RedactContacts(absl::string_view text);

}  // namespace events::feedback
