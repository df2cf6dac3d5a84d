#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace events::logging::testing {

// Parses `text` as exactly one flat JSON object whose values are all strings (the shape of
// our log lines), checking RFC 8259 string rules and UTF-8 validity; \u escapes are decoded
// to UTF-8. nullopt if `text` is anything else. Small on purpose: it is test code only.
std::optional<std::map<std::string, std::string>> ParseFlatJsonObject(std::string_view text);

}  // namespace events::logging::testing
