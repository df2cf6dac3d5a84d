// ParseIcs on any bytes: never crashes; what it accepts, written out again with the
// writer's own escaping and folding (EscapeIcsText, FoldIcsLine), parses to the same tree.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "services/scheduling/domain/ics.h"
#include "services/scheduling/domain/ics_parse.h"

namespace {

using events::scheduling::IcsComponent;

// TEXT as the writer keeps it: EscapeIcsText drops control characters other than TAB and
// LF (TEXT may not hold them), so a value the parser accepted loses those on the way out.
std::string Writable(const std::string& value) {
  std::string out;
  for (unsigned char c : value) {
    if (c < 0x20 && c != '\t' && c != '\n') continue;
    if (c == 0x7f) continue;
    out.push_back(static_cast<char>(c));
  }
  return out;
}

void Print(const IcsComponent& c, std::string& out) {
  out += events::scheduling::FoldIcsLine("BEGIN:" + c.name);
  for (const auto& [name, value] : c.properties) {
    out += events::scheduling::FoldIcsLine(name + ":" + events::scheduling::EscapeIcsText(value));
  }
  for (const IcsComponent& child : c.children) Print(child, out);
  out += events::scheduling::FoldIcsLine("END:" + c.name);
}

bool SameTree(const IcsComponent& a, const IcsComponent& b) {
  if (a.name != b.name || a.properties.size() != b.properties.size() ||
      a.children.size() != b.children.size()) {
    return false;
  }
  for (size_t i = 0; i < a.properties.size(); ++i) {
    if (a.properties[i].first != b.properties[i].first) return false;
    if (Writable(a.properties[i].second) != b.properties[i].second) return false;
  }
  for (size_t i = 0; i < a.children.size(); ++i) {
    if (!SameTree(a.children[i], b.children[i])) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = events::scheduling::ParseIcs(text);
  if (!parsed.ok()) {
    events::fuzz::Check(parsed.status().code() == absl::StatusCode::kInvalidArgument,
                        "ParseIcs error code", parsed.status().ToString());
    return 0;
  }
  std::string printed;
  Print(*parsed, printed);
  auto again = events::scheduling::ParseIcs(printed);
  events::fuzz::Check(again.ok(), "printed calendar parses again",
                      again.ok() ? "" : again.status().ToString() + "\n" + printed);
  events::fuzz::Check(SameTree(*parsed, *again), "printed calendar parses to the same tree",
                      printed);
  return 0;
}
