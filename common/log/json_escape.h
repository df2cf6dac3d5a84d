#pragma once

#include <string>
#include <string_view>

namespace events::logging {

// `text` as the inside of a JSON string literal (no surrounding quotes). Quotes, backslashes
// and control characters are escaped; valid UTF-8 passes through unchanged; each invalid
// UTF-8 sequence becomes \ufffd, so the result is valid JSON whatever bytes come in (log
// messages carry client input). Thread-safe.
std::string JsonEscape(std::string_view text);

// Appends JsonEscape(text) to `out`, avoiding a temporary per log line.
void AppendJsonEscaped(std::string_view text, std::string& out);

}  // namespace events::logging
