#include "services/web/console/svg/xml_text.h"

#include <cstddef>

#include "absl/strings/str_cat.h"
#include "common/util/utf8.h"

namespace events::web::console {
namespace {

constexpr absl::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool IsXmlChar(char32_t c) {
  if (c < 0x20) return c == 0x9 || c == 0xA || c == 0xD;
  return c != 0xFFFE && c != 0xFFFF;  // DecodeUtf8 already refuses surrogates
}

// East Asian wide characters and emoji take about a full em; the rest about 0.6 of one.
double CharWidthEms(char32_t c) {
  const bool wide = (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
                    (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
                    (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
                    (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1FAFF) ||
                    (c >= 0x20000 && c <= 0x3FFFD);
  return wide ? 1.0 : 0.6;
}

// Calls f(code point, its bytes) for each character of `text`; a byte that is not UTF-8
// is one U+FFFD.
template <typename F>
void ForEachChar(absl::string_view text, F f) {
  for (size_t i = 0; i < text.size();) {
    const CodePoint cp = DecodeUtf8(text, i);
    if (cp.length == 0) {
      f(char32_t{0xFFFD}, kReplacement);
      ++i;
      continue;
    }
    f(cp.value, text.substr(i, cp.length));
    i += cp.length;
  }
}

}  // namespace

std::string XmlEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  ForEachChar(text, [&out](char32_t c, absl::string_view bytes) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        absl::StrAppend(&out, IsXmlChar(c) ? bytes : kReplacement);
    }
  });
  return out;
}

std::string GroupedNumber(int64_t n) {
  const uint64_t magnitude = n < 0 ? 0 - static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
  const std::string digits = absl::StrCat(magnitude);
  std::string out = n < 0 ? "-" : "";
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

double TextWidthEms(absl::string_view text) {
  double ems = 0;
  ForEachChar(text, [&ems](char32_t c, absl::string_view) { ems += CharWidthEms(c); });
  return ems;
}

std::vector<std::string> WrapText(absl::string_view text, double max_ems) {
  std::vector<std::string> lines;
  std::string line;
  double line_ems = 0;
  std::string word;
  double word_ems = 0;
  const auto end_line = [&] {
    if (!line.empty()) lines.push_back(std::move(line));
    line.clear();
    line_ems = 0;
  };
  const auto end_word = [&] {
    if (word.empty()) return;
    const double space = line.empty() ? 0 : CharWidthEms(' ');
    if (line_ems + space + word_ems > max_ems) end_line();
    if (!line.empty()) {
      line += ' ';
      line_ems += CharWidthEms(' ');
    }
    line += word;
    line_ems += word_ems;
    word.clear();
    word_ems = 0;
  };
  ForEachChar(text, [&](char32_t c, absl::string_view bytes) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      end_word();
      return;
    }
    // A word wider than a line is cut where it reaches the edge.
    if (word_ems + CharWidthEms(c) > max_ems && !word.empty()) {
      end_word();
      end_line();
    }
    absl::StrAppend(&word, bytes);
    word_ems += CharWidthEms(c);
  });
  end_word();
  end_line();
  return lines;
}

}  // namespace events::web::console
