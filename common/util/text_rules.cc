#include "common/util/text_rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace events {
namespace {

// Counts code points; false when the bytes are not valid UTF-8.
bool CountUtf8(absl::string_view s, size_t* chars) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    for (int k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len;
    ++n;
  }
  *chars = n;
  return true;
}

}  // namespace

absl::Status CheckText(absl::string_view value, absl::string_view field, size_t min_chars,
                       size_t max_chars, bool multiline) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(value);
  size_t chars = 0;
  if (!CountUtf8(value, &chars)) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is not valid UTF-8 text"));
  }
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    if ((u < 0x20 && !(multiline && (c == '\n' || c == '\t' || c == '\r'))) || u == 0x7F) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, multiline ? " must not contain control characters"
                                        : " must be one line without control characters"));
    }
  }
  if (trimmed.empty() && min_chars > 0) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  }
  CountUtf8(trimmed, &chars);
  if (chars < min_chars) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must be at least ", min_chars, " characters"));
  }
  if (chars > max_chars) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must be at most ", max_chars, " characters (it has ", chars, ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckEmail(absl::string_view value, absl::string_view field) {
  size_t at = value.find('@');
  bool ok = value.size() <= 254 && at != absl::string_view::npos && at > 0 &&
            value.find('@', at + 1) == absl::string_view::npos;
  if (ok) {
    absl::string_view domain = value.substr(at + 1);
    size_t dot = domain.find('.');
    ok = dot != absl::string_view::npos && dot > 0 && dot + 1 < domain.size() &&
         domain.back() != '.';
  }
  for (char c : value) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c)) ||
        static_cast<unsigned char>(c) < 0x20) {
      ok = false;
    }
  }
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is not a valid e-mail address, e.g. name@example.org"));
  }
  return absl::OkStatus();
}

absl::Status CheckHttpsUrl(absl::string_view value, absl::string_view field) {
  constexpr absl::string_view kScheme = "https://";
  bool ok = value.size() <= 2048 && absl::StartsWithIgnoreCase(value, kScheme) &&
            value.size() > kScheme.size() && value[kScheme.size()] != '/';
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) ok = false;
  }
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must be an https:// link of at most 2048 characters with no spaces"));
  }
  return absl::OkStatus();
}

}  // namespace events
