#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

// The platform's rules for text that people type, shared by every service so that one field
// means the same everywhere (docs/registration.md, "Text, names and e-mail addresses").
// Every function is pure and thread-safe.
namespace events {

// Checks a text field: valid UTF-8; no control characters (C0, DEL and C1, which includes
// U+0085 NEL), nor U+2028/U+2029 line and paragraph separators unless multiline (newlines
// and tabs are allowed only when multiline); at least one visible character when min_chars
// > 0 (spaces of any script and invisible characters such as U+200B ZERO WIDTH SPACE or
// U+FEFF do not count); between min_chars and max_chars characters after trimming.
// INVALID_ARGUMENT naming the field and the rule, never quoting the value.
absl::Status CheckText(absl::string_view value, absl::string_view field, size_t min_chars,
                       size_t max_chars, bool multiline = false);

// A plausible e-mail address: one '@', a non-empty local part, a domain with a dot, no
// spaces (of any script), no control characters (C0, DEL, C1), valid UTF-8, at most 254
// bytes. Deliberately loose: real delivery is the real test. Check the normalised form
// (NormaliseEmailAddress), so that every call accepts the same input.
absl::Status CheckEmail(absl::string_view value, absl::string_view field);

// The form in which e-mail addresses are compared and stored: trimmed of spaces (of any
// script) and lower-cased as a whole, with Unicode simple case mapping for the Latin,
// Greek, Cyrillic and Armenian alphabets and fullwidth Latin ("JOSÉ@X.ORG" and
// "josé@x.org" are one address). Composed and decomposed accents stay different.
std::string NormaliseEmailAddress(absl::string_view email);

// An https URL of at most 2048 characters with a host and no spaces.
absl::Status CheckHttpsUrl(absl::string_view value, absl::string_view field);

// A value from a request, for an error message: in double quotes, cut to about max_bytes
// on a character boundary (with "..."), and with every control character, line or
// paragraph separator, invisible character and byte that is not UTF-8 shown as '?', so a
// message is always one line and shows what the caller can see.
std::string QuoteForMessage(absl::string_view value, size_t max_bytes = 60);

// Whether a spreadsheet would read a cell with this text as a formula: its first character
// after any spaces or invisible characters is = + - @ (or their fullwidth forms), or it
// starts with a tab or carriage return. A CSV writer prefixes such cells with an apostrophe.
bool StartsLikeAFormula(absl::string_view value);

}  // namespace events
