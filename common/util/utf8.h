#pragma once

#include <cstddef>

#include "absl/strings/string_view.h"

// Reading UTF-8 one code point at a time, and the classes of characters that the text rules
// (text_rules.h) and the redaction (redact.h) both need, so that "a space" or "an invisible
// character" means the same in both. Pure; thread-safe.
namespace events {

// One code point decoded from UTF-8: its value and its length in bytes (0: not UTF-8 at
// that byte: a stray continuation byte, a truncated sequence, an overlong form, a surrogate
// or a value past U+10FFFF).
struct CodePoint {
  char32_t value = 0;
  size_t length = 0;
};

// The code point starting at byte i of s (i < s.size()).
CodePoint DecodeUtf8(absl::string_view s, size_t i);

// How many characters (code points) `s` holds, what the length limits of text fields
// count; a byte that is not UTF-8 counts as one.
size_t CountCodePoints(absl::string_view s);

// Unicode White_Space: ASCII spaces and line breaks, U+0085, no-break, ogham, the
// U+2000-U+200A spaces, line and paragraph separators, narrow no-break, medium mathematical
// and ideographic spaces.
bool IsUnicodeSpace(char32_t c);

// Characters that show nothing: format characters (zero-width spaces and joiners, bidi
// controls, the byte-order mark, the soft hyphen), fillers and variation selectors.
bool IsInvisibleChar(char32_t c);

}  // namespace events
