#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// Every word the pages show, in one message catalogue per language (messages/en-GB.txt), so
// that other languages can follow by adding a file, not by editing templates or code.
namespace events::web {

class Catalogue {
 public:
  // Lines "key = text"; '#' starts a comment line; blank lines are ignored. Keys are
  // lower_snake_case and unique. INVALID_ARGUMENT naming `source` and the line otherwise.
  static absl::StatusOr<Catalogue> Parse(absl::string_view text, absl::string_view source);

  bool Has(absl::string_view key) const;
  // The text of `key`; "[[key]]" when there is none, so that a missing message is visible
  // on the page (and the tests, which look for "[[", find it).
  std::string Text(absl::string_view key) const;
  // Text(key) with each "{name}" replaced by its value.
  std::string Format(
      absl::string_view key,
      std::initializer_list<std::pair<absl::string_view, absl::string_view>> args) const;
  const std::map<std::string, std::string, std::less<>>& entries() const { return entries_; }

 private:
  std::map<std::string, std::string, std::less<>> entries_;
};

}  // namespace events::web
