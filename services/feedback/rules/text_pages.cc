#include "services/feedback/rules/text_pages.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace events::feedback {
namespace {

// A text is at most 2,000 characters (8,000 bytes of UTF-8): its token is under 11,000.
constexpr size_t kMaxTokenChars = 12000;

std::string EncodeTextPageToken(const TextCursor& cursor) {
  return absl::WebSafeBase64Escape(absl::StrCat(cursor.copies, ":", cursor.last));
}

}  // namespace

absl::StatusOr<std::optional<TextCursor>> DecodeTextPageToken(absl::string_view token) {
  if (token.empty()) return std::nullopt;
  std::string decoded;
  TextCursor cursor;
  bool ok = token.size() <= kMaxTokenChars && absl::WebSafeBase64Unescape(token, &decoded);
  const size_t colon = ok ? decoded.find(':') : std::string::npos;
  ok = colon != std::string::npos && colon > 0 && colon <= 9;
  for (size_t i = 0; ok && i < colon; ++i) ok = absl::ascii_isdigit(decoded[i]);
  ok = ok && absl::SimpleAtoi(absl::string_view(decoded).substr(0, colon), &cursor.copies) &&
       cursor.copies >= 1;
  if (!ok) {
    return absl::InvalidArgumentError(
        "page.page_token is not one this service issued; pass the next_page_token of the "
        "previous response, or leave it empty for the first page");
  }
  cursor.last = decoded.substr(colon + 1);
  return cursor;
}

TextPage PageOfTexts(const std::vector<std::string>& sorted,
                     const std::optional<TextCursor>& cursor, int page_size) {
  auto begin = sorted.begin();
  if (cursor.has_value()) {
    // After the copies of `last` already returned; fewer may be left now than were returned.
    const auto first = std::lower_bound(sorted.begin(), sorted.end(), cursor->last);
    const auto past = std::upper_bound(first, sorted.end(), cursor->last);
    begin = std::distance(first, past) > cursor->copies ? first + cursor->copies : past;
  }
  const auto end =
      std::distance(begin, sorted.end()) > page_size ? begin + page_size : sorted.end();
  TextPage page;
  page.texts.assign(begin, end);
  if (end != sorted.end() && end != begin) {
    TextCursor next;
    next.last = *(end - 1);
    next.copies = std::distance(std::lower_bound(sorted.begin(), end, next.last), end);
    page.next_page_token = EncodeTextPageToken(next);
  }
  return page;
}

}  // namespace events::feedback
