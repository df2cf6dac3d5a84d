#include "services/accessibility/rules/request_rules.h"

#include <cstdint>
#include <set>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/bus/keyspace.h"
#include "common/util/closest_name.h"
#include "common/util/ids.h"
#include "common/util/text_rules.h"
#include "services/accessibility/rules/catalogue.h"

namespace events::accessibility {
namespace {

absl::Status Text(absl::string_view value, absl::string_view field, size_t max) {
  // CheckText counts characters after trimming, so padding would pass unbounded: the raw
  // input is capped first (4 bytes per character is the most UTF-8 needs).
  if (value.size() > kRawBytesPerChar * max) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, " must be at most ", kRawBytesPerChar * max, " bytes as sent (spaces included)"));
  }
  return CheckText(value, field, 0, max, /*multiline=*/true);
}

// The code point at `s[i]` (advancing i), or -1 for a byte that does not start one (the text
// was checked as UTF-8 before, so that only happens on bad input, which is never blank).
int32_t NextCodePoint(absl::string_view s, size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  const int len = c < 0x80           ? 1
                  : (c >> 5) == 0x6  ? 2
                  : (c >> 4) == 0xE  ? 3
                  : (c >> 3) == 0x1E ? 4
                                     : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return -1;
  }
  int32_t cp = len == 1 ? c : c & (0xFF >> (len + 1));
  for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += len;
  return cp;
}

// Spaces and invisible characters a person may type or paste without meaning any text.
bool IsBlankCodePoint(int32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x00A0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200D) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x2060 || cp == 0x3000 || cp == 0xFEFF;
}

// True when `text` has at least one character that is not a space or invisible.
bool HasVisibleText(absl::string_view text) {
  for (size_t i = 0; i < text.size();) {
    if (!IsBlankCodePoint(NextCodePoint(text, i))) return true;
  }
  return false;
}

// Free text that, when given, must say something: not only spaces or invisible characters.
absl::Status VisibleText(absl::string_view value, absl::string_view field, size_t max) {
  if (absl::Status s = Text(value, field, max); !s.ok()) return s;
  if (!value.empty() && !HasVisibleText(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must not be only spaces or invisible characters"));
  }
  return absl::OkStatus();
}

// A phone number as people write it: digits grouped by spaces, brackets, '-' or '.', an
// optional leading '+', 6 to 16 digits (E.164's 15 and a bracketed trunk 0). Anything else
// ("ring my bell", a second line) belongs in details.details.
absl::Status PhoneNumber(absl::string_view value, absl::string_view field) {
  int digits = 0;
  bool ok = true;
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == '+') {
      ok = ok && digits == 0 && absl::StripAsciiWhitespace(value.substr(0, i)).empty();
    } else if (c != ' ' && c != '(' && c != ')' && c != '-' && c != '.') {
      ok = false;
    }
  }
  if (!ok || digits < 6 || digits > 16) {
    return absl::InvalidArgumentError(absl::StrCat(
        field,
        " must be a phone number: 6 to 16 digits, grouped with spaces, ( ) - or . and an "
        "optional leading +, e.g. 07700 900123 or +44 7700 900123 (anything else goes in "
        "details.details)"));
  }
  return absl::OkStatus();
}

std::vector<std::string> NeedCodes() {
  std::vector<std::string> codes;
  for (const NeedInfo& n : DefaultNeeds()) codes.emplace_back(n.code);
  return codes;
}

bool IsCrockford(absl::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) return false;
  }
  return true;
}

}  // namespace

absl::Status ValidateToken(const std::string& token) {
  if (token.empty()) return absl::InvalidArgumentError("registration_token is required");
  if (token.size() > kMaxToken || token.find('.') == std::string::npos) {
    return absl::InvalidArgumentError(
        "registration_token is not a registration token; use the token you were given when "
        "you registered");
  }
  return absl::OkStatus();
}

absl::Status ValidateNeeds(const google::protobuf::RepeatedPtrField<std::string>& needs,
                           const events::v1::RequestDetails& details) {
  if (needs.empty()) return absl::InvalidArgumentError("needs must name at least one need");
  const int max = static_cast<int>(DefaultNeeds().size());
  if (needs.size() > max) {
    return absl::InvalidArgumentError(absl::StrCat("needs may name at most ", max, " needs"));
  }
  std::set<std::string> seen;
  for (int i = 0; i < needs.size(); ++i) {
    const std::string& n = needs.Get(i);
    if (FindNeed(n) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("needs[", i, "] ", QuoteForMessage(n, 64), " is not in the catalogue",
                       DidYouMean(n, NeedCodes()), " (see GetCatalogue)"));
    }
    if (!seen.insert(n).second) {
      return absl::InvalidArgumentError(absl::StrCat("needs[", i, "] repeats \"", n, "\""));
    }
  }
  if (seen.count(kOtherNeed) > 0 && !HasVisibleText(details.other_need())) {
    return absl::InvalidArgumentError("details.other_need is required with the need \"other\"");
  }
  return absl::OkStatus();
}

absl::Status ValidateAttendeeDetails(const events::v1::RequestDetails& d) {
  if (absl::Status s = Text(d.details(), "details.details", kMaxDetails); !s.ok()) return s;
  if (absl::Status s = VisibleText(d.other_need(), "details.other_need", kMaxOtherNeed); !s.ok()) {
    return s;
  }
  if (absl::Status s = Text(d.contact_value(), "details.contact_value", kMaxContactValue);
      !s.ok()) {
    return s;
  }
  if (!events::v1::ContactMethod_IsValid(d.contact_method())) {
    return absl::InvalidArgumentError("details.contact_method is not a known contact method");
  }
  if (d.contact_method() == events::v1::CONTACT_METHOD_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "details.contact_method is required (EMAIL, PHONE, TEXT_MESSAGE or REGISTRATION_EMAIL)");
  }
  const bool needs_value = d.contact_method() == events::v1::CONTACT_METHOD_EMAIL ||
                           d.contact_method() == events::v1::CONTACT_METHOD_PHONE ||
                           d.contact_method() == events::v1::CONTACT_METHOD_TEXT_MESSAGE;
  if (needs_value && d.contact_value().empty()) {
    return absl::InvalidArgumentError(
        "details.contact_value is required with that contact_method (the address or number)");
  }
  if (d.contact_method() == events::v1::CONTACT_METHOD_EMAIL) {
    if (absl::Status s = CheckEmail(d.contact_value(), "details.contact_value"); !s.ok()) return s;
  }
  if (d.contact_method() == events::v1::CONTACT_METHOD_PHONE ||
      d.contact_method() == events::v1::CONTACT_METHOD_TEXT_MESSAGE) {
    if (absl::Status s = PhoneNumber(d.contact_value(), "details.contact_value"); !s.ok()) {
      return s;
    }
  }
  // Refused rather than dropped: an address or number sent with REGISTRATION_EMAIL would
  // never be used, and the attendee should know that rather than believe it was kept.
  if (!needs_value && !d.contact_value().empty()) {
    return absl::InvalidArgumentError(
        "details.contact_value must be empty with contact_method REGISTRATION_EMAIL (the "
        "registration's own address is used); choose EMAIL to give another address");
  }
  if (!d.unfulfillable_reason().empty() || !d.offered_instead().empty()) {
    return absl::InvalidArgumentError(
        "details.unfulfillable_reason and details.offered_instead are set by coordinators; "
        "leave them empty");
  }
  return absl::OkStatus();
}

absl::Status ValidateTransition(const events::v1::TransitionRequestRequest& r) {
  if (absl::Status s = ValidateChildId(r.request_id(), "ar", "request_id"); !s.ok()) return s;
  if (absl::Status s = VisibleText(r.reason(), "reason", kMaxReason); !s.ok()) return s;
  if (absl::Status s = VisibleText(r.offered_instead(), "offered_instead", kMaxReason); !s.ok()) {
    return s;
  }
  if (r.to() != events::v1::REQUEST_STATUS_ACKNOWLEDGED &&
      r.to() != events::v1::REQUEST_STATUS_IN_PROGRESS &&
      r.to() != events::v1::REQUEST_STATUS_FULFILLED &&
      r.to() != events::v1::REQUEST_STATUS_UNFULFILLABLE) {
    return absl::InvalidArgumentError(
        "to must be ACKNOWLEDGED, IN_PROGRESS, FULFILLED or UNFULFILLABLE");
  }
  if (r.expected_version() < 0) {
    return absl::InvalidArgumentError("expected_version must not be negative");
  }
  if (r.to() == events::v1::REQUEST_STATUS_UNFULFILLABLE && r.reason().empty()) {
    return absl::InvalidArgumentError("reason is required when a request cannot be fulfilled");
  }
  if (r.to() != events::v1::REQUEST_STATUS_UNFULFILLABLE &&
      (!r.reason().empty() || !r.offered_instead().empty())) {
    return absl::InvalidArgumentError(
        "reason and offered_instead are only for UNFULFILLABLE; leave them empty");
  }
  return absl::OkStatus();
}

absl::Status ValidateProvision(const events::v1::AddProvisionRequest& r) {
  if (absl::Status s = ValidateEventId(r.event_id()); !s.ok()) return s;
  if (r.need().empty()) return absl::InvalidArgumentError("need is required");
  if (FindNeed(r.need()) == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("need ", QuoteForMessage(r.need(), 64),
                                                   " is not in the catalogue",
                                                   DidYouMean(r.need(), NeedCodes())));
  }
  if (r.description().empty()) return absl::InvalidArgumentError("description is required");
  return VisibleText(r.description(), "description", kMaxProvisionDescription);
}

absl::Status ValidateChildId(absl::string_view id, absl::string_view prefix,
                             absl::string_view field) {
  if (id.empty()) return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  const std::string head = absl::StrCat(prefix, "_");
  const size_t dash = id.find('-');
  const bool ok = absl::StartsWith(id, head) && dash == head.size() + 26 &&
                  id.size() == dash + 1 + 26 && IsCrockford(id.substr(head.size(), 26)) &&
                  IsCrockford(id.substr(dash + 1));
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is not a well-formed id (", prefix, "_... as returned by the API)"));
  }
  return absl::OkStatus();
}

std::string ChildId(absl::string_view prefix, absl::string_view event_id,
                    absl::string_view fresh_id) {
  const std::string_view core =
      events::bus::PartitionKeyOf(std::string_view(event_id.data(), event_id.size()));
  const size_t us = fresh_id.find('_');
  return absl::StrCat(prefix, "_", absl::string_view(core.data(), core.size()), "-",
                      fresh_id.substr(us + 1));
}

}  // namespace events::accessibility
