#include "common/util/folded_text.h"

#include "common/util/utf8.h"

namespace events {
namespace {

// What a character reads as when matching: an ASCII character, kKeep (itself) or kDrop.
constexpr char32_t kKeep = 0xFFFFFFFF;
constexpr char32_t kDrop = 0xFFFFFFFE;

char32_t FoldOf(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) return c - 0xFEE0;  // fullwidth ASCII
  if (IsInvisibleChar(c)) return kDrop;
  // Spaces that keep the line; line breaks stay breaks, so numbers are never joined across
  // lines.
  if (IsUnicodeSpace(c) && c != '\n' && c != '\v' && c != '\f' && c != '\r' && c != 0x85 &&
      c != 0x2028 && c != 0x2029) {
    return ' ';
  }
  if ((c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFE58 || c == 0xFE63) return '-';
  if (c == 0xFE6B) return '@';
  if (c == 0xFE52) return '.';
  if (c == 0x2044 || c == 0x2215) return '/';
  return kKeep;
}

}  // namespace

FoldedText::FoldedText(absl::string_view text) : text_(text) {
  chars_.reserve(text.size());
  starts_.reserve(text.size() + 1);
  for (size_t i = 0; i < text.size();) {
    const CodePoint cp = DecodeUtf8(text, i);
    const char32_t fold =
        cp.length > 0 && (cp.length > 1 || cp.value == '\t') ? FoldOf(cp.value) : kKeep;
    if (fold == kDrop && !chars_.empty()) {
      i += cp.length;
      continue;
    }
    if (fold == kKeep || fold == kDrop) {
      chars_.push_back(text[i]);
      starts_.push_back(i);
      ++i;
      continue;
    }
    chars_.push_back(static_cast<char>(fold));
    starts_.push_back(i);
    i += cp.length;
  }
  starts_.push_back(text.size());
}

}  // namespace events
