#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace events {

// Text as the contact redaction (redact.h) reads it, with a way back to the bytes as
// written. Fullwidth forms (U+FF01-U+FF5E) read as ASCII; spaces that keep the line (tabs,
// no-break, figure, thin, narrow no-break, ideographic and the other Unicode spaces) as ' ';
// Unicode hyphens, dashes and the minus sign as '-'; the small commercial at and full stop
// as '@' and '.'; the fraction and division slashes as '/'; invisible characters (zero-width
// spaces and joiners, soft hyphens) are not there. Line breaks stay themselves.
//
// Units: one per ASCII character, per folded character and per byte of any other
// multi-byte character (such bytes count as letters, so "josé" and "例子" are words). Dropped
// characters belong to the unit before them, so a span of units maps back to whole
// characters. Holds a view of the text: the text must outlive it. Thread-compatible.
class FoldedText {
 public:
  explicit FoldedText(absl::string_view text);

  size_t size() const { return chars_.size(); }
  char operator[](size_t k) const { return chars_[k]; }
  // The original bytes of units [first, last).
  absl::string_view Original(size_t first, size_t last) const {
    return text_.substr(starts_[first], starts_[last] - starts_[first]);
  }
  // True when unit k was written as another character (a Unicode dash read as '-', say).
  bool IsFolded(size_t k) const { return text_[starts_[k]] != chars_[k]; }

 private:
  absl::string_view text_;
  std::string chars_;
  std::vector<size_t> starts_;  // where each unit starts in text_, then text_.size()
};

}  // namespace events
