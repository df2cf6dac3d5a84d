#include "services/integrations/webhooks/event_types.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace events::integrations {
namespace {

bool IsWord(absl::string_view word) {
  if (word.empty()) return false;
  for (char c : word) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

bool IsPattern(absl::string_view pattern) {
  if (pattern == "*") return true;
  if (absl::EndsWith(pattern, ".*")) pattern.remove_suffix(2);
  for (absl::string_view word : absl::StrSplit(pattern, '.')) {
    if (!IsWord(word)) return false;
  }
  return true;
}

}  // namespace

absl::Status ValidateEventTypes(const std::vector<std::string>& patterns, absl::string_view field) {
  if (patterns.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " needs at least one event type, e.g. \"registration.*\" or \"*\" for all"));
  }
  if (patterns.size() > static_cast<size_t>(kMaxEventTypePatterns)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " may list at most ", kMaxEventTypePatterns, " event types"));
  }
  for (const std::string& p : patterns) {
    if (p.size() > kMaxEventTypePatternLength || !IsPattern(p)) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, " has \"", p.substr(0, kMaxEventTypePatternLength),
          "\", which is not an event type: use \"registration.created\", \"registration.*\" "
          "or \"*\" (lower-case letters, digits and _ between dots)"));
    }
  }
  return absl::OkStatus();
}

bool MatchesEventType(const std::vector<std::string>& patterns, absl::string_view type) {
  for (const std::string& p : patterns) {
    if (p == "*" || p == type) return true;
    if (absl::EndsWith(p, ".*") &&
        absl::StartsWith(type, absl::string_view(p).substr(0, p.size() - 1))) {
      return true;
    }
  }
  return false;
}

}  // namespace events::integrations
