#include "services/scheduling/domain/ics_parse.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace events::scheduling {
namespace {

// This abseil build has its own string_view, which its functions cannot take from
// std::string_view; the public API keeps std::string_view like the rest of this library.
absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// A logical (unfolded) content line and the physical line it started on, for messages.
struct ContentLine {
  std::string text;
  int line_number = 0;
};

absl::Status LineError(int line_number, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("ics line ", line_number, ": ", problem));
}

absl::StatusOr<std::vector<ContentLine>> Unfold(absl::string_view text) {
  std::vector<ContentLine> lines;
  int line_number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    ++line_number;
    size_t lf = text.find('\n', pos);
    if (lf == absl::string_view::npos) return LineError(line_number, "does not end with CRLF");
    if (lf == pos || text[lf - 1] != '\r') {
      return LineError(line_number, "ends with LF alone; lines must end with CRLF");
    }
    absl::string_view physical = text.substr(pos, lf - 1 - pos);
    pos = lf + 1;
    if (physical.find('\r') != absl::string_view::npos) {
      return LineError(line_number, "contains a CR that does not end the line");
    }
    if (!physical.empty() && (physical[0] == ' ' || physical[0] == '\t')) {
      if (lines.empty()) return LineError(line_number, "continuation line with nothing before it");
      absl::StrAppend(&lines.back().text, physical.substr(1));
      continue;
    }
    lines.push_back(ContentLine{std::string(physical), line_number});
  }
  return lines;
}

std::string UnescapeText(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '\\' || i + 1 == value.size()) {
      out.push_back(value[i]);
      continue;
    }
    char next = value[++i];
    out.push_back(next == 'n' || next == 'N' ? '\n' : next);
  }
  return out;
}

// Splits "NAME;PARAM=\"a:b\":value" at the first colon outside a quoted parameter value.
bool SplitContentLine(absl::string_view line, absl::string_view* name, absl::string_view* value) {
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"') quoted = !quoted;
    if (line[i] == ':' && !quoted) {
      *name = line.substr(0, i);
      *value = line.substr(i + 1);
      return true;
    }
  }
  return false;
}

absl::string_view BaseName(absl::string_view name_with_params) {
  return name_with_params.substr(0, name_with_params.find(';'));
}

bool ValidName(absl::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return true;
}

}  // namespace

const std::string* IcsComponent::FindProperty(std::string_view property_name) const {
  for (const auto& [key, value] : properties) {
    if (absl::EqualsIgnoreCase(BaseName(key), Sv(property_name))) return &value;
  }
  return nullptr;
}

const std::string* IcsComponent::FindPropertyName(std::string_view property_name) const {
  for (const auto& [key, value] : properties) {
    if (absl::EqualsIgnoreCase(BaseName(key), Sv(property_name))) return &key;
  }
  return nullptr;
}

std::vector<const IcsComponent*> IcsComponent::Children(std::string_view component_name) const {
  std::vector<const IcsComponent*> out;
  for (const IcsComponent& child : children) {
    if (absl::EqualsIgnoreCase(child.name, Sv(component_name))) out.push_back(&child);
  }
  return out;
}

absl::StatusOr<IcsComponent> ParseIcs(std::string_view std_text) {
  absl::string_view text(std_text.data(), std_text.size());
  if (text.empty()) return absl::InvalidArgumentError("ics: the calendar is empty");
  absl::StatusOr<std::vector<ContentLine>> lines = Unfold(text);
  if (!lines.ok()) return lines.status();

  // Open components, innermost last; finished children are moved into their parent.
  std::vector<IcsComponent> open;
  std::unique_ptr<IcsComponent> root;
  for (const ContentLine& line : *lines) {
    if (root != nullptr) return LineError(line.line_number, "content after the top-level END");
    absl::string_view name, value;
    if (!SplitContentLine(line.text, &name, &value)) {
      return LineError(line.line_number, "no ':' between name and value");
    }
    if (!ValidName(BaseName(name))) return LineError(line.line_number, "invalid property name");
    std::string upper = absl::AsciiStrToUpper(name);
    if (upper == "BEGIN") {
      if (value.empty()) return LineError(line.line_number, "BEGIN without a component name");
      open.push_back(IcsComponent{absl::AsciiStrToUpper(value), {}, {}});
      continue;
    }
    if (upper == "END") {
      if (open.empty() || !absl::EqualsIgnoreCase(open.back().name, value)) {
        return LineError(line.line_number,
                         absl::StrCat("END:", value, " does not match BEGIN:",
                                      open.empty() ? "(none)" : open.back().name));
      }
      IcsComponent done = std::move(open.back());
      open.pop_back();
      if (open.empty()) {
        root = std::make_unique<IcsComponent>(std::move(done));
      } else {
        open.back().children.push_back(std::move(done));
      }
      continue;
    }
    if (open.empty()) return LineError(line.line_number, "property outside any component");
    open.back().properties.emplace_back(std::string(name), UnescapeText(value));
  }
  if (!open.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("ics: BEGIN:", open.back().name, " has no END"));
  }
  if (root == nullptr) return absl::InvalidArgumentError("ics: no component");
  return std::move(*root);
}

}  // namespace events::scheduling
