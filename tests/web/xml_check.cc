#include "tests/web/xml_check.h"

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/util/utf8.h"

namespace events::web::testing {
namespace {

bool IsXmlChar(char32_t c) {
  if (c < 0x20) return c == 0x9 || c == 0xA || c == 0xD;
  return c != 0xFFFE && c != 0xFFFF;
}

bool IsNameStart(char c) { return absl::ascii_isalpha(c) || c == '_' || c == ':'; }
bool IsNameChar(char c) { return IsNameStart(c) || absl::ascii_isdigit(c) || c == '-' || c == '.'; }

void AppendUtf8(char32_t c, std::string& out) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

class Reader {
 public:
  explicit Reader(absl::string_view xml) : xml_(xml) {}

  absl::StatusOr<XmlElement> Document() {
    XmlElement root;
    if (!Misc() || !Element(root, 0) || !Misc()) return Error();
    if (pos_ != xml_.size()) {
      Fail("more than one root element, or text after it");
      return Error();
    }
    return root;
  }

 private:
  absl::Status Error() const {
    return absl::InvalidArgumentError(
        absl::StrCat("not well-formed XML at byte ", pos_, ": ", error_));
  }
  bool Fail(absl::string_view why) {
    if (error_.empty()) error_ = std::string(why);
    return false;
  }
  bool At(absl::string_view s) const { return xml_.substr(pos_, s.size()) == s; }
  bool Eat(absl::string_view s) {
    if (!At(s)) return false;
    pos_ += s.size();
    return true;
  }
  bool Spaces() {
    const size_t start = pos_;
    while (pos_ < xml_.size() &&
           (xml_[pos_] == ' ' || xml_[pos_] == '\t' || xml_[pos_] == '\n' || xml_[pos_] == '\r')) {
      ++pos_;
    }
    return pos_ > start;
  }

  // Whitespace and comments, outside the root element.
  bool Misc() {
    for (;;) {
      Spaces();
      if (!At("<!--")) return true;
      if (!Comment()) return false;
    }
  }

  bool Comment() {
    pos_ += 4;
    const size_t end = xml_.find("--", pos_);
    if (end == absl::string_view::npos || xml_.substr(end, 3) != "-->") {
      return Fail("a comment holds -- or never ends");
    }
    const absl::string_view body = xml_.substr(pos_, end - pos_);
    pos_ = end + 3;
    std::string ignored;
    for (size_t i = 0; i < body.size();) {
      if (!Char(body, i, ignored)) return false;
    }
    return true;
  }

  // One character of `s` at i, checked and appended to out.
  bool Char(absl::string_view s, size_t& i, std::string& out) {
    const CodePoint cp = DecodeUtf8(s, i);
    if (cp.length == 0) return Fail("bytes that are not UTF-8");
    if (!IsXmlChar(cp.value)) return Fail("a character XML does not allow");
    absl::StrAppend(&out, s.substr(i, cp.length));
    i += cp.length;
    return true;
  }

  bool Name(std::string& name) {
    if (pos_ >= xml_.size() || !IsNameStart(xml_[pos_])) return Fail("a name was expected");
    const size_t start = pos_;
    while (pos_ < xml_.size() && IsNameChar(xml_[pos_])) ++pos_;
    name = std::string(xml_.substr(start, pos_ - start));
    return true;
  }

  // A reference after '&': the five named ones and &#N; / &#xH; of an XML character.
  bool Reference(std::string& out) {
    const size_t end = xml_.find(';', pos_);
    if (end == absl::string_view::npos || end - pos_ > 10) return Fail("a bare &");
    const absl::string_view ref = xml_.substr(pos_, end - pos_);
    pos_ = end + 1;
    if (ref == "amp") return out += '&', true;
    if (ref == "lt") return out += '<', true;
    if (ref == "gt") return out += '>', true;
    if (ref == "quot") return out += '"', true;
    if (ref == "apos") return out += '\'', true;
    uint32_t value = 0;
    const bool number =
        ref.size() > 1 && ref[0] == '#' &&
        (ref[1] == 'x' ? ref.size() > 2 && absl::SimpleHexAtoi(ref.substr(2), &value)
                       : absl::SimpleAtoi(ref.substr(1), &value));
    if (!number || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF) || !IsXmlChar(value)) {
      return Fail(absl::StrCat("an unknown or invalid reference &", ref, ";"));
    }
    AppendUtf8(value, out);
    return true;
  }

  bool AttributeValue(std::string& value) {
    if (pos_ >= xml_.size() || (xml_[pos_] != '"' && xml_[pos_] != '\'')) {
      return Fail("an attribute value must be quoted");
    }
    const char quote = xml_[pos_++];
    while (pos_ < xml_.size() && xml_[pos_] != quote) {
      if (xml_[pos_] == '<') return Fail("< inside an attribute value");
      if (xml_[pos_] == '&') {
        ++pos_;
        if (!Reference(value)) return false;
      } else if (!Char(xml_, pos_, value)) {
        return false;
      }
    }
    if (pos_ >= xml_.size()) return Fail("an attribute value never ends");
    ++pos_;
    return true;
  }

  bool Element(XmlElement& element, int depth) {
    if (depth > 100) return Fail("elements nested too deep");
    if (!Eat("<")) return Fail("an element was expected");
    if (!Name(element.name)) return false;
    for (;;) {
      const bool spaced = Spaces();
      if (Eat("/>")) return true;
      if (Eat(">")) break;
      if (!spaced) return Fail("attributes must be separated by spaces");
      std::string name, value;
      if (!Name(name)) return false;
      Spaces();
      if (!Eat("=")) return Fail("= expected after an attribute name");
      Spaces();
      if (!AttributeValue(value)) return false;
      if (element.Attribute(name) != nullptr) return Fail("an attribute given twice: " + name);
      element.attributes.emplace_back(std::move(name), std::move(value));
    }
    return Content(element, depth);
  }

  bool Content(XmlElement& element, int depth) {
    for (;;) {
      if (pos_ >= xml_.size()) return Fail("<" + element.name + "> is never closed");
      if (Eat("</")) {
        std::string name;
        if (!Name(name)) return false;
        Spaces();
        if (name != element.name || !Eat(">")) {
          return Fail("</" + name + "> does not close <" + element.name + ">");
        }
        return true;
      }
      if (At("<!--")) {
        if (!Comment()) return false;
      } else if (At("<![CDATA[") || At("<?") || At("<!")) {
        return Fail("CDATA, DTDs and processing instructions are not expected");
      } else if (At("<")) {
        element.children.emplace_back();
        if (!Element(element.children.back(), depth + 1)) return false;
      } else if (Eat("&")) {
        if (!Reference(element.text)) return false;
      } else {
        if (At("]]>")) return Fail("]]> in text");
        if (!Char(xml_, pos_, element.text)) return false;
      }
    }
  }

  absl::string_view xml_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace

const std::string* XmlElement::Attribute(absl::string_view attribute) const {
  for (const auto& [key, value] : attributes) {
    if (key == attribute) return &value;
  }
  return nullptr;
}

std::string XmlElement::Value(absl::string_view attribute) const {
  const std::string* value = Attribute(attribute);
  return value == nullptr ? "" : *value;
}

std::string XmlElement::AllText() const {
  std::string all = text;
  for (const XmlElement& child : children) all += child.AllText();
  return all;
}

void XmlElement::Visit(const std::function<void(const XmlElement&)>& f) const {
  f(*this);
  for (const XmlElement& child : children) child.Visit(f);
}

absl::StatusOr<XmlElement> ParseXml(absl::string_view xml) { return Reader(xml).Document(); }

}  // namespace events::web::testing
