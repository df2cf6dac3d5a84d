#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// Paging through one question's free text (ListFeedbackTexts) in the report's order: sorted
// by content. As in every listing of the platform (docs/architecture.md), the page token is
// the last item returned, base64url-encoded, so a page resumes exactly after it; texts can
// repeat, so the token also counts the copies of that text already returned. Texts added or
// taken back meanwhile (a named response edited) then neither shift nor repeat what is left.
// Pure; thread-safe.
namespace events::feedback {

// Where the previous page stopped.
struct TextCursor {
  std::string last;    // the last text returned
  int64_t copies = 0;  // how many texts equal to `last` have been returned so far
};

// nullopt for "" (the first page). INVALID_ARGUMENT naming page.page_token for a token this
// did not make; checked before the texts are read.
absl::StatusOr<std::optional<TextCursor>> DecodeTextPageToken(absl::string_view token);

struct TextPage {
  std::vector<std::string> texts;
  std::string next_page_token;  // empty on the last page
};

// Up to page_size texts of `sorted` (sorted ascending) after `cursor`.
TextPage PageOfTexts(const std::vector<std::string>& sorted,
                     const std::optional<TextCursor>& cursor, int page_size);

}  // namespace events::feedback
