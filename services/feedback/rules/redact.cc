#include "services/feedback/rules/redact.h"

#include <cstddef>

#include "absl/strings/ascii.h"

namespace events::feedback {
namespace {

constexpr size_t kNpos = absl::string_view::npos;
constexpr int kMinPhoneDigits = 9;

// Bytes of multi-byte UTF-8 characters count as letters: "josé@correo.es" and
// "ann@bücher.de" are addresses too.
bool IsNonAscii(char c) { return static_cast<unsigned char>(c) >= 0x80; }
bool IsLocalChar(char c) {
  return absl::ascii_isalnum(c) || IsNonAscii(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
         c == '-';
}
bool IsDomainChar(char c) {
  return absl::ascii_isalnum(c) || IsNonAscii(c) || c == '.' || c == '-';
}
bool IsWordChar(char c) { return absl::ascii_isalnum(c) || c == '_'; }

// The length of a no-break space (U+00A0, bytes C2 A0) at i, else 0.
size_t NbspAt(absl::string_view s, size_t i) {
  return i + 1 < s.size() && s[i] == '\xC2' && s[i + 1] == '\xA0' ? 2 : 0;
}
// The length of a blank (space or no-break space) at i, else 0.
size_t BlankAt(absl::string_view s, size_t i) {
  if (i < s.size() && s[i] == ' ') return 1;
  return NbspAt(s, i);
}

// The end of an e-mail address whose '@' is at `at`, or npos when there is none: a domain
// with a dot and a top-level part of at least two letters.
size_t EmailEnd(absl::string_view s, size_t at) {
  size_t end = at + 1;
  while (end < s.size() && IsDomainChar(s[end]) && NbspAt(s, end) == 0) ++end;
  // A sentence may end right after the address.
  while (end > at + 1 && (s[end - 1] == '.' || s[end - 1] == '-')) --end;
  const size_t dot = s.substr(at + 1, end - at - 1).rfind('.');
  if (dot == kNpos || dot == 0) return kNpos;
  const size_t tld = at + 1 + dot + 1;
  if (end - tld < 2) return kNpos;
  for (size_t i = tld; i < end; ++i) {
    if (!absl::ascii_isalpha(s[i]) && !IsNonAscii(s[i])) return kNpos;
  }
  return end;
}

// The end of the separator between two digit groups starting at j (blanks and brackets,
// and at most one '-' or '.'), or j when there is none. The separator must lead to a digit.
size_t SeparatorEnd(absl::string_view s, size_t j) {
  size_t k = j;
  int dashes = 0;
  int brackets = 0;
  int blanks = 0;
  while (k < s.size()) {
    if (const size_t b = BlankAt(s, k); b > 0) {
      if (++blanks > 2) return j;
      k += b;
    } else if (s[k] == '-' || s[k] == '.') {
      if (++dashes > 1) return j;
      ++k;
    } else if (s[k] == '(' || s[k] == ')') {
      if (++brackets > 2) return j;
      ++k;
    } else {
      break;
    }
  }
  return k < s.size() && absl::ascii_isdigit(s[k]) ? k : j;
}

// The end of a phone number (or any long digit run) starting at `i`, or npos.
size_t PhoneEnd(absl::string_view s, size_t i) {
  size_t j = i;
  if (s[j] == '+') ++j;
  if (j < s.size() && s[j] == '(') ++j;
  int digits = 0;
  size_t last_digit_end = kNpos;
  while (j < s.size()) {
    if (absl::ascii_isdigit(s[j])) {
      ++digits;
      last_digit_end = ++j;
      continue;
    }
    if (last_digit_end != j) break;
    const size_t next = SeparatorEnd(s, j);
    if (next == j) break;
    j = next;
  }
  if (last_digit_end == kNpos || digits < kMinPhoneDigits) return kNpos;
  if (last_digit_end < s.size() && IsWordChar(s[last_digit_end])) return kNpos;
  return last_digit_end;
}

}  // namespace

std::string RedactContacts(absl::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    const bool word_start = i == 0 || !IsWordChar(s[i - 1]);
    if (c == '@' && !out.empty()) {
      // Take back the local part already copied (not across a no-break space).
      size_t local = out.size();
      while (local > 0 && IsLocalChar(out[local - 1]) &&
             !(local >= 2 && NbspAt(out, local - 2) == 2)) {
        --local;
      }
      const size_t end = local < out.size() ? EmailEnd(s, i) : kNpos;
      if (end != kNpos) {
        out.resize(local);
        out.append(kEmailRedacted.data(), kEmailRedacted.size());
        i = end;
        continue;
      }
    }
    if (word_start && (absl::ascii_isdigit(c) || c == '+' || c == '(')) {
      const size_t end = PhoneEnd(s, i);
      if (end != kNpos) {
        out.append(kPhoneRedacted.data(), kPhoneRedacted.size());
        i = end;
        continue;
      }
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

}  // namespace events::feedback
