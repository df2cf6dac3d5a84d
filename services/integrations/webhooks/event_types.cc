#include "services/integrations/webhooks/event_types.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/util/closest_name.h"
#include "common/util/text_rules.h"

namespace events::integrations {
namespace {

bool IsWord(absl::string_view word) {
  if (word.empty()) return false;
  for (char c : word) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// Every domain event type a webhook can receive (docs/integrations.md lists them). A type
// added by a service must be added here too, or subscriptions to it are refused; the
// delivery itself does not consult this list.
const std::vector<std::string>& KnownTypes() {
  static const auto* types = new std::vector<std::string>{
      "event.created",
      "event.updated",
      "event.published",
      "event.rescheduled",
      "event.cancelled",
      "event.completed",
      "event.reminder_due",
      "registration.created",
      "registration.confirmed",
      "registration.waitlisted",
      "registration.pending_approval",
      "registration.promoted",
      "registration.approved",
      "registration.rejected",
      "registration.cancelled",
      "registration.updated",
      "registration.attended",
      "registration.link_requested",
      "accessibility.request_submitted",
      "accessibility.request_updated",
      "accessibility.request_acknowledged",
      "accessibility.request_in_progress",
      "accessibility.request_fulfilled",
      "accessibility.request_unfulfillable",
      "accessibility.request_withdrawn",
      "accessibility.request_needs_reconfirmation",
      "accessibility.request_at_risk",
      "accessibility.provision_booked",
      "accessibility.provision_needs_reconfirmation",
      "feedback.invitation_due",
      "feedback.survey_opened",
      "feedback.survey_closed",
      "feedback.response_submitted",
      "contact.unsubscribed",
      "webhook.test",
  };
  return *types;
}

// What a subscriber may write: "*", every known type, and "<family>.*" for each family.
const std::vector<std::string>& ValidPatterns() {
  static const auto* patterns = [] {
    auto* out = new std::vector<std::string>{"*"};
    for (const std::string& t : KnownTypes()) {
      const std::string family = t.substr(0, t.find('.')) + ".*";
      if (std::find(out->begin(), out->end(), family) == out->end()) out->push_back(family);
    }
    out->insert(out->end(), KnownTypes().begin(), KnownTypes().end());
    return out;
  }();
  return *patterns;
}

// True when the pattern matches at least one known type: a subscription that can never
// receive anything is a typo ("registratoin.*"), not a wish.
bool MatchesAnyKnownType(const std::string& pattern) {
  for (const std::string& t : KnownTypes()) {
    if (MatchesEventType({pattern}, t)) return true;
  }
  return false;
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
          field, " has ", QuoteForMessage(p, kMaxEventTypePatternLength),
          ", which is not an event type: use \"registration.created\", \"registration.*\" "
          "or \"*\" (lower-case letters, digits and _ between dots)"));
    }
    if (!MatchesAnyKnownType(p)) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, " has \"", p, "\", which matches no event type", DidYouMean(p, ValidPatterns()),
          "; see docs/integrations.md for the types, e.g. \"registration.*\" or \"*\""));
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
