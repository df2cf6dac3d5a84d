#include "common/util/text_rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/util/utf8.h"

namespace events {
namespace {

void Encode(char32_t v, std::string* out) {
  if (v < 0x80) {
    out->push_back(static_cast<char>(v));
  } else if (v < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (v >> 6)));
    out->push_back(static_cast<char>(0x80 | (v & 0x3F)));
  } else if (v < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (v >> 12)));
    out->push_back(static_cast<char>(0x80 | ((v >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (v & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (v >> 18)));
    out->push_back(static_cast<char>(0x80 | ((v >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((v >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (v & 0x3F)));
  }
}

bool IsUtf8(absl::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const CodePoint cp = DecodeUtf8(s, i);
    if (cp.length == 0) return false;
    i += cp.length;
  }
  return true;
}

// C0, DEL and C1 (which holds U+0085 NEXT LINE).
bool IsControl(char32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

bool IsLineSeparator(char32_t c) { return c == 0x2028 || c == 0x2029; }

// Unicode simple lower-case mapping for the alphabets e-mail addresses are written in.
char32_t SimpleLower(char32_t c) {
  auto even_upper = [c](char32_t from, char32_t to) { return c >= from && c <= to && c % 2 == 0; };
  auto odd_upper = [c](char32_t from, char32_t to) { return c >= from && c <= to && c % 2 == 1; };
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c < 0xC0) return c;
  if (c <= 0xDE && c != 0xD7) return c + 32;  // Latin-1: À..Þ
  if (c == 0x130) return 'i';                 // İ
  if (even_upper(0x100, 0x137) || odd_upper(0x139, 0x148) || even_upper(0x14A, 0x177) ||
      odd_upper(0x179, 0x17E)) {
    return c + 1;  // Latin Extended-A
  }
  if (c == 0x178) return 0xFF;  // Ÿ
  if (c == 0x386) return 0x3AC;
  if (c >= 0x388 && c <= 0x38A) return c + 37;
  if (c == 0x38C) return 0x3CC;
  if (c == 0x38E || c == 0x38F) return c + 63;
  if ((c >= 0x391 && c <= 0x3A1) || (c >= 0x3A3 && c <= 0x3AB)) return c + 32;  // Greek
  if (c >= 0x400 && c <= 0x40F) return c + 80;                                  // Cyrillic Ѐ..Џ
  if (c >= 0x410 && c <= 0x42F) return c + 32;                                  // А..Я
  if (even_upper(0x460, 0x481) || even_upper(0x48A, 0x4BF) || odd_upper(0x4C1, 0x4CE) ||
      even_upper(0x4D0, 0x52F)) {
    return c + 1;
  }
  if (c == 0x4C0) return 0x4CF;
  if (c >= 0x531 && c <= 0x556) return c + 48;                                 // Armenian
  if (even_upper(0x1E00, 0x1E95) || even_upper(0x1EA0, 0x1EFF)) return c + 1;  // Vietnamese...
  if (c >= 0xFF21 && c <= 0xFF3A) return c + 32;                               // fullwidth Ａ..Ｚ
  return c;
}

// `s` without leading and trailing code points for which `drop` is true (valid UTF-8).
template <typename Drop>
absl::string_view Trim(absl::string_view s, Drop drop) {
  size_t begin = 0;
  while (begin < s.size()) {
    const CodePoint cp = DecodeUtf8(s, begin);
    if (cp.length == 0 || !drop(cp.value)) break;
    begin += cp.length;
  }
  size_t end = begin;
  for (size_t i = begin; i < s.size();) {
    const CodePoint cp = DecodeUtf8(s, i);
    if (cp.length == 0) return s.substr(begin);
    i += cp.length;
    if (!drop(cp.value)) end = i;
  }
  return s.substr(begin, end - begin);
}

}  // namespace

absl::Status CheckText(absl::string_view value, absl::string_view field, size_t min_chars,
                       size_t max_chars, bool multiline) {
  if (!IsUtf8(value)) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is not valid UTF-8 text"));
  }
  bool visible = false;
  for (size_t i = 0; i < value.size();) {
    const CodePoint cp = DecodeUtf8(value, i);
    i += cp.length;
    const char32_t c = cp.value;
    const bool allowed_break =
        multiline && (c == '\n' || c == '\t' || c == '\r' || IsLineSeparator(c));
    if ((IsControl(c) || IsLineSeparator(c)) && !allowed_break) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, multiline ? " must not contain control characters"
                                        : " must be one line without control characters"));
    }
    if (!IsUnicodeSpace(c) && !IsInvisibleChar(c)) visible = true;
  }
  const absl::string_view trimmed = Trim(value, IsUnicodeSpace);
  if (!visible && min_chars > 0) {
    return absl::InvalidArgumentError(
        trimmed.empty() ? absl::StrCat(field, " is required")
                        : absl::StrCat(field, " is required: it has no visible characters"));
  }
  const size_t chars = CountCodePoints(trimmed);
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
            value.find('@', at + 1) == absl::string_view::npos && IsUtf8(value);
  if (ok) {
    absl::string_view domain = value.substr(at + 1);
    size_t dot = domain.find('.');
    ok = dot != absl::string_view::npos && dot > 0 && dot + 1 < domain.size() &&
         domain.back() != '.';
  }
  for (size_t i = 0; ok && i < value.size();) {
    const CodePoint cp = DecodeUtf8(value, i);
    i += cp.length;
    if (IsControl(cp.value) || IsUnicodeSpace(cp.value) || IsInvisibleChar(cp.value)) ok = false;
  }
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is not a valid e-mail address, e.g. name@example.org"));
  }
  return absl::OkStatus();
}

std::string NormaliseEmailAddress(absl::string_view email) {
  const absl::string_view trimmed =
      Trim(email, [](char32_t c) { return IsUnicodeSpace(c) || IsInvisibleChar(c); });
  std::string out;
  out.reserve(trimmed.size());
  for (size_t i = 0; i < trimmed.size();) {
    const CodePoint cp = DecodeUtf8(trimmed, i);
    if (cp.length == 0) {  // not UTF-8: kept as it is (CheckEmail refuses it)
      out.push_back(absl::ascii_tolower(static_cast<unsigned char>(trimmed[i])));
      ++i;
      continue;
    }
    Encode(SimpleLower(cp.value), &out);
    i += cp.length;
  }
  return out;
}

std::string QuoteForMessage(absl::string_view value, size_t max_bytes) {
  std::string out = "\"";
  size_t i = 0;
  while (i < value.size() && i < max_bytes) {
    const CodePoint cp = DecodeUtf8(value, i);
    if (cp.length == 0) {
      out.push_back('?');
      ++i;
      continue;
    }
    const char32_t c = cp.value;
    if (IsControl(c) || (IsUnicodeSpace(c) && c != ' ') || IsInvisibleChar(c)) {
      out.push_back('?');
    } else {
      out.append(value.data() + i, cp.length);
    }
    i += cp.length;
  }
  if (i < value.size()) out += "...";
  out += "\"";
  return out;
}

bool StartsLikeAFormula(absl::string_view value) {
  if (!value.empty() && (value[0] == '\t' || value[0] == '\r')) return true;
  for (size_t i = 0; i < value.size();) {
    const CodePoint cp = DecodeUtf8(value, i);
    if (cp.length == 0) return false;
    const char32_t c = cp.value;
    if (!IsUnicodeSpace(c) && !IsInvisibleChar(c)) {
      return c == '=' || c == '+' || c == '-' || c == '@' || c == 0xFF1D || c == 0xFF0B ||
             c == 0xFF0D || c == 0xFF20;
    }
    i += cp.length;
  }
  return false;
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
