#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// A strict reader of the XML the console draws, for tests: it accepts only well-formed XML
// 1.0 (one root element, matching tags, quoted and unique attributes, the five named
// references and character references, valid UTF-8 of XML characters, comments) and gives
// the tree back so that tests can look inside. No DTD, CDATA or processing instructions:
// the drawings have none.
namespace events::web::testing {

struct XmlElement {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;  // references resolved
  std::string text;  // the character data directly inside, references resolved
  std::vector<XmlElement> children;

  // The attribute's value, or nullptr when the element has none of that name.
  const std::string* Attribute(absl::string_view attribute) const;
  // The attribute's value, or "" when the element has none of that name.
  std::string Value(absl::string_view attribute) const;
  // `text`, then the AllText of each child in order (the drawings keep text in leaves).
  std::string AllText() const;
  // Calls f on this element and every descendant, in document order.
  void Visit(const std::function<void(const XmlElement&)>& f) const;
};

// The root element of `xml`, or INVALID_ARGUMENT saying at which byte and why it is not
// well-formed.
absl::StatusOr<XmlElement> ParseXml(absl::string_view xml);

}  // namespace events::web::testing
