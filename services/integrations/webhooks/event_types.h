#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace events::integrations {

// Limits of a subscription's event-type filter (docs/integrations.md).
inline constexpr int kMaxEventTypePatterns = 50;
inline constexpr size_t kMaxEventTypePatternLength = 100;

// OK when every pattern is "*", an exact type such as "registration.created", or a prefix
// such as "registration.*" (lower-case letters, digits and '_' between dots) that matches at
// least one of the platform's event types, with at least one pattern and no more than
// kMaxEventTypePatterns. INVALID_ARGUMENT naming the field (and the closest valid pattern
// for a typo such as "registratoin.*").
absl::Status ValidateEventTypes(const std::vector<std::string>& patterns, absl::string_view field);

// True when `type` matches one of the patterns: "*" matches all, "a.*" every type that starts
// with "a.", anything else only itself.
bool MatchesEventType(const std::vector<std::string>& patterns, absl::string_view type);

}  // namespace events::integrations
