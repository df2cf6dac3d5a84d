#include "services/web/view/catalogue.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace events::web {
namespace {

bool IsKey(absl::string_view key) {
  if (key.empty() || !absl::ascii_islower(static_cast<unsigned char>(key[0]))) return false;
  for (char c : key) {
    const auto u = static_cast<unsigned char>(c);
    if (!absl::ascii_islower(u) && !absl::ascii_isdigit(u) && c != '_') return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<Catalogue> Catalogue::Parse(absl::string_view text, absl::string_view source) {
  Catalogue c;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    const size_t eq = line.find('=');
    if (eq == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, " line ", number, ": expected \"key = text\""));
    }
    const absl::string_view key = absl::StripAsciiWhitespace(line.substr(0, eq));
    const absl::string_view value = absl::StripAsciiWhitespace(line.substr(eq + 1));
    if (!IsKey(key)) {
      return absl::InvalidArgumentError(absl::StrCat(
          source, " line ", number, ": the key must be lower_snake_case, starting with a letter"));
    }
    if (value.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, " line ", number, ": ", key, " has no text"));
    }
    if (!c.entries_.emplace(std::string(key), std::string(value)).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, " line ", number, ": ", key, " is defined twice"));
    }
  }
  return c;
}

bool Catalogue::Has(absl::string_view key) const { return entries_.find(key) != entries_.end(); }

std::string Catalogue::Text(absl::string_view key) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return absl::StrCat("[[", key, "]]");
  return it->second;
}

std::string Catalogue::Format(
    absl::string_view key,
    std::initializer_list<std::pair<absl::string_view, absl::string_view>> args) const {
  std::vector<std::pair<std::string, std::string>> replacements;
  replacements.reserve(args.size());
  for (const auto& [name, value] : args) {
    replacements.emplace_back(absl::StrCat("{", name, "}"), std::string(value));
  }
  return absl::StrReplaceAll(Text(key), replacements);
}

}  // namespace events::web
