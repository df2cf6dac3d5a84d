#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

// Text as the console's SVG drawings hold it. Pure; thread-safe.
namespace events::web::console {

// `text` made safe as XML character data and as a quoted attribute value: & < > " ' become
// references, and what XML 1.0 cannot hold at all (bytes that are not UTF-8, control
// characters other than tab, line feed and carriage return, U+FFFE and U+FFFF) becomes
// U+FFFD, so that no label can close an element, open a tag or make the drawing ill-formed.
std::string XmlEscape(absl::string_view text);

// A count as people read it: 1234567 -> "1,234,567".
std::string GroupedNumber(int64_t n);

// About how wide `text` is drawn, in ems of a sans-serif font: 0.6 per character, 1 for the
// wide scripts (CJK, Hangul) and emoji. No font metrics on the server, so a safe guess that
// is used to wrap labels and to leave room for the values.
double TextWidthEms(absl::string_view text);

// `text` cut into lines of at most `max_ems` (TextWidthEms) at spaces; a word longer than a
// line is cut within itself. No line is empty; "" gives no lines.
std::vector<std::string> WrapText(absl::string_view text, double max_ems);

}  // namespace events::web::console
