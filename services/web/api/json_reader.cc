// ApiJsonToMessage: one pass over the body, straight into the request message through
// reflection, by protobuf's JSON mapping and the API's rules (json_mapping.h). Written
// here rather than through google::protobuf::util because the rules need the field as the
// value is read (times, strict kinds, names in messages), and a round trip through
// google.protobuf.Struct and protobuf's converter cost three conversions per request and a
// fifth of the gateway's CPU (scripts/bench api). tests/web/api_rules_test.cc checks it
// reads what protobuf's parser reads.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/stubs/common.h>

#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/web/api/json_mapping.h"

namespace events::web::api {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// The API's requests nest a few levels; deeper bodies are refused, not recursed into.
constexpr int kMaxNesting = 32;

class Reader {
 public:
  explicit Reader(absl::string_view in) : in_(in) {}

  absl::Status Body(Message& message) {
    SkipSpace();
    if (Peek() != '{') {
      return absl::InvalidArgumentError(
          absl::StrCat("the body must be one JSON object, not ", WhatIsNext()));
    }
    if (absl::Status s = ObjectInto(message, "", 0); !s.ok()) return s;
    SkipSpace();
    if (pos_ != in_.size()) return NotJson("there is more after the object");
    return absl::OkStatus();
  }

 private:
  char Peek() const { return pos_ < in_.size() ? in_[pos_] : '\0'; }
  void SkipSpace() {
    while (pos_ < in_.size() &&
           (in_[pos_] == ' ' || in_[pos_] == '\t' || in_[pos_] == '\n' || in_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool Consume(char c) {
    SkipSpace();
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  bool Literal(absl::string_view word) {
    if (in_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  absl::Status NotJson(absl::string_view why) const {
    return absl::InvalidArgumentError(absl::StrCat("the body is not JSON (", why, ", at character ",
                                                   pos_ + 1, "); send one JSON object"));
  }
  static absl::Status Invalid(const std::string& at, absl::string_view rule) {
    return absl::InvalidArgumentError(absl::StrCat(at, ": ", rule));
  }

  // "a string", "a number"... for messages about the value about to be read.
  std::string WhatIsNext() {
    SkipSpace();
    switch (Peek()) {
      case '"':
        return "a string";
      case '{':
        return "an object";
      case '[':
        return "a list";
      case 't':
      case 'f':
        return "true or false";
      case 'n':
        return "null";
      case '\0':
        return "nothing";
      default:
        return "a number";
    }
  }

  bool AtNull() {
    SkipSpace();
    return Literal("null");
  }

  // A JSON string, unescaped, as UTF-8.
  absl::Status String(std::string& out) {
    SkipSpace();
    if (Peek() != '"') return NotJson("a string was expected");
    ++pos_;
    out.clear();
    while (pos_ < in_.size()) {
      const char c = in_[pos_++];
      if (c == '"') return absl::OkStatus();
      if (static_cast<unsigned char>(c) < 0x20) return NotJson("a control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= in_.size()) break;
      const char e = in_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          uint32_t code = 0;
          if (!Hex4(code)) return NotJson("a bad \\u escape");
          if (code >= 0xD800 && code <= 0xDBFF) {  // a surrogate pair
            uint32_t low = 0;
            if (!Literal("\\u") || !Hex4(low) || low < 0xDC00 || low > 0xDFFF) {
              return NotJson("a lone surrogate in a \\u escape");
            }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          } else if (code >= 0xDC00 && code <= 0xDFFF) {
            return NotJson("a lone surrogate in a \\u escape");
          }
          AppendUtf8(code, out);
          break;
        }
        default:
          return NotJson("a bad escape in a string");
      }
    }
    return NotJson("a string is not closed");
  }

  bool Hex4(uint32_t& code) {
    if (pos_ + 4 > in_.size()) return false;
    code = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = in_[pos_++];
      code <<= 4;
      if (c >= '0' && c <= '9') {
        code |= static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        code |= static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        code |= static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return false;
      }
    }
    return true;
  }

  static void AppendUtf8(uint32_t code, std::string& out) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  // A JSON number's text, or a string's (protobuf's mapping also takes numbers as strings).
  absl::Status NumberText(std::string& out, const std::string& at) {
    SkipSpace();
    if (Peek() == '"') return String(out);
    const size_t start = pos_;
    while (pos_ < in_.size() &&
           (absl::ascii_isdigit(static_cast<unsigned char>(in_[pos_])) || in_[pos_] == '-' ||
            in_[pos_] == '+' || in_[pos_] == '.' || in_[pos_] == 'e' || in_[pos_] == 'E')) {
      ++pos_;
    }
    if (pos_ == start) return Invalid(at, absl::StrCat("must be a number, not ", WhatIsNext()));
    out.assign(in_.data() + start, pos_ - start);
    return absl::OkStatus();
  }

  // One value of `field` into `message` (added when repeated).
  absl::Status Value(Message& message, const FieldDescriptor& field, const std::string& at,
                     int depth) {
    const Reflection& r = *message.GetReflection();
    const bool rep = field.is_repeated();
    SkipSpace();
    if (pos_ >= in_.size()) return NotJson("the body ends too soon");
    switch (field.cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        if (Peek() != '{')
          return Invalid(at, absl::StrCat("must be an object, not ", WhatIsNext()));
        Message* child = rep ? r.AddMessage(&message, &field) : r.MutableMessage(&message, &field);
        return ObjectInto(*child, at, depth + 1);
      }
      case FieldDescriptor::CPPTYPE_BOOL: {
        bool value = false;
        if (Literal("true")) {
          value = true;
        } else if (!Literal("false")) {
          return Invalid(at, absl::StrCat("must be true or false, not ", WhatIsNext()));
        }
        rep ? r.AddBool(&message, &field, value) : r.SetBool(&message, &field, value);
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_STRING: {
        if (Peek() != '"') return Invalid(at, absl::StrCat("must be a string, not ", WhatIsNext()));
        std::string text;
        if (absl::Status s = String(text); !s.ok()) return s;
        if (field.type() == FieldDescriptor::TYPE_BYTES) {
          std::string bytes;
          if (!absl::Base64Unescape(text, &bytes) && !absl::WebSafeBase64Unescape(text, &bytes)) {
            return Invalid(at, "must be base64");
          }
          text = std::move(bytes);
        } else if (!google::protobuf::internal::IsStructurallyValidUTF8(text)) {
          return Invalid(at, "must be UTF-8 text");
        }
        rep ? r.AddString(&message, &field, std::move(text))
            : r.SetString(&message, &field, std::move(text));
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_ENUM: {
        int number = 0;
        if (Peek() == '"') {
          std::string name;
          if (absl::Status s = String(name); !s.ok()) return s;
          const auto* value = field.enum_type()->FindValueByName(name);
          if (value == nullptr) {
            return Invalid(at,
                           absl::StrCat("must be one of the names of ", field.enum_type()->name(),
                                        ", not \"", absl::CHexEscape(name.substr(0, 60)), "\""));
          }
          number = value->number();
        } else {
          std::string text;
          if (absl::Status s = NumberText(text, at); !s.ok()) return s;
          if (!absl::SimpleAtoi(text, &number)) {
            return Invalid(at,
                           absl::StrCat("must be one of the names of ", field.enum_type()->name()));
          }
        }
        rep ? r.AddEnumValue(&message, &field, number) : r.SetEnumValue(&message, &field, number);
        return absl::OkStatus();
      }
      default:
        return Number(message, field, at);
    }
  }

  absl::Status Number(Message& message, const FieldDescriptor& field, const std::string& at) {
    const Reflection& r = *message.GetReflection();
    const bool rep = field.is_repeated();
    if (IsTimeField(field) && !rep) {
      if (Peek() != '"') {
        return Invalid(at, absl::StrCat("must be an RFC 3339 time (a string such as "
                                        "\"2027-03-04T10:00:00Z\") or null, not ",
                                        WhatIsNext()));
      }
      std::string text;
      if (absl::Status s = String(text); !s.ok()) return s;
      absl::StatusOr<int64_t> ms = ParseApiTime(text, at);
      if (!ms.ok()) return ms.status();
      r.SetInt64(&message, &field, *ms);
      return absl::OkStatus();
    }
    std::string text;
    if (absl::Status s = NumberText(text, at); !s.ok()) return s;
    const auto whole = [&](auto& n) {
      if (absl::SimpleAtoi(text, &n)) return true;
      // 1e3 and 3.0 are whole numbers too (protobuf reads them).
      double d = 0;
      if (!absl::SimpleAtod(text, &d) || std::trunc(d) != d) return false;
      using T = std::remove_reference_t<decltype(n)>;
      if (d < static_cast<double>(std::numeric_limits<T>::min()) ||
          d > static_cast<double>(std::numeric_limits<T>::max())) {
        return false;
      }
      n = static_cast<T>(d);
      return true;
    };
    const std::string not_whole = "must be a whole number in range";
    switch (field.cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32: {
        int32_t n = 0;
        if (!whole(n)) return Invalid(at, not_whole);
        rep ? r.AddInt32(&message, &field, n) : r.SetInt32(&message, &field, n);
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_INT64: {
        int64_t n = 0;
        if (!whole(n)) return Invalid(at, not_whole);
        rep ? r.AddInt64(&message, &field, n) : r.SetInt64(&message, &field, n);
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_UINT32: {
        uint32_t n = 0;
        if (!whole(n)) return Invalid(at, not_whole);
        rep ? r.AddUInt32(&message, &field, n) : r.SetUInt32(&message, &field, n);
        return absl::OkStatus();
      }
      case FieldDescriptor::CPPTYPE_UINT64: {
        uint64_t n = 0;
        if (!whole(n)) return Invalid(at, not_whole);
        rep ? r.AddUInt64(&message, &field, n) : r.SetUInt64(&message, &field, n);
        return absl::OkStatus();
      }
      default: {  // double, float
        double d = 0;
        if (text == "NaN") {
          d = std::numeric_limits<double>::quiet_NaN();
        } else if (text == "Infinity" || text == "-Infinity") {
          d = text[0] == '-' ? -std::numeric_limits<double>::infinity()
                             : std::numeric_limits<double>::infinity();
        } else if (!absl::SimpleAtod(text, &d) || !std::isfinite(d)) {
          return Invalid(at, "must be a number");
        }
        if (field.cpp_type() == FieldDescriptor::CPPTYPE_FLOAT) {
          const auto f = static_cast<float>(d);
          rep ? r.AddFloat(&message, &field, f) : r.SetFloat(&message, &field, f);
        } else {
          rep ? r.AddDouble(&message, &field, d) : r.SetDouble(&message, &field, d);
        }
        return absl::OkStatus();
      }
    }
  }

  // A map field: {"key": value, ...}.
  absl::Status Map(Message& message, const FieldDescriptor& field, const std::string& at,
                   int depth) {
    if (!Consume('{')) return Invalid(at, absl::StrCat("must be an object, not ", WhatIsNext()));
    if (Consume('}')) return absl::OkStatus();
    const FieldDescriptor& key = *field.message_type()->map_key();
    const FieldDescriptor& value = *field.message_type()->map_value();
    do {
      std::string name;
      if (absl::Status s = String(name); !s.ok()) return s;
      if (!Consume(':')) return NotJson("a colon was expected");
      Message& entry = *message.GetReflection()->AddMessage(&message, &field);
      const std::string entry_at = absl::StrCat(at, "[\"", absl::CHexEscape(name), "\"]");
      if (key.cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
        entry.GetReflection()->SetString(&entry, &key, name);
      } else {
        Reader key_reader(name);
        if (absl::Status s = key_reader.Number(entry, key, entry_at); !s.ok()) return s;
      }
      if (absl::Status s = Value(entry, value, entry_at, depth + 1); !s.ok()) return s;
    } while (Consume(','));
    if (!Consume('}')) return NotJson("a comma or } was expected");
    return absl::OkStatus();
  }

  absl::Status List(Message& message, const FieldDescriptor& field, const std::string& at,
                    int depth) {
    if (!Consume('[')) return Invalid(at, absl::StrCat("must be a list, not ", WhatIsNext()));
    if (Consume(']')) return absl::OkStatus();
    int index = 0;
    do {
      const std::string element_at = absl::StrCat(at, "[", index++, "]");
      if (AtNull()) return Invalid(element_at, "cannot be null");
      if (absl::Status s = Value(message, field, element_at, depth + 1); !s.ok()) return s;
    } while (Consume(','));
    if (!Consume(']')) return NotJson("a comma or ] was expected");
    return absl::OkStatus();
  }

  absl::Status ObjectInto(Message& message, const std::string& where, int depth) {
    if (depth >= kMaxNesting) {
      return absl::InvalidArgumentError(
          absl::StrCat("the body nests objects or lists deeper than ", kMaxNesting, " levels"));
    }
    if (!Consume('{')) return NotJson("an object was expected");
    if (Consume('}')) return absl::OkStatus();
    const Descriptor& type = *message.GetDescriptor();
    do {
      std::string name;
      if (absl::Status s = String(name); !s.ok()) return s;
      if (!Consume(':')) return NotJson("a colon was expected");
      SkipSpace();
      if (pos_ >= in_.size()) return NotJson("the body ends too soon");
      const std::string at = where.empty() ? name : absl::StrCat(where, ".", name);
      if (name == "registration_token") {
        return Invalid(at,
                       "send the registration token in the Registration-Token header, "
                       "never in the body");
      }
      const FieldDescriptor* field = FindApiField(type, name);
      if (field == nullptr) {
        const FieldDescriptor* raw = type.FindFieldByName(name);
        if (raw != nullptr && IsTimeField(*raw)) {
          return Invalid(at, absl::StrCat("on the API this time is \"", ApiFieldName(*raw),
                                          "\", an RFC 3339 string"));
        }
        return Invalid(absl::CHexEscape(at.substr(0, 200)),
                       absl::StrCat("is not a field of ", type.name()));
      }
      if (AtNull()) {
        message.GetReflection()->ClearField(&message, field);  // null is the zero value
      } else if (field->is_map()) {
        if (absl::Status s = Map(message, *field, at, depth); !s.ok()) return s;
      } else if (field->is_repeated()) {
        if (absl::Status s = List(message, *field, at, depth); !s.ok()) return s;
      } else if (absl::Status s = Value(message, *field, at, depth); !s.ok()) {
        return s;
      }
    } while (Consume(','));
    if (!Consume('}')) return NotJson("a comma or } was expected");
    return absl::OkStatus();
  }

  absl::string_view in_;
  size_t pos_ = 0;
};

}  // namespace

absl::Status ApiJsonToMessage(absl::string_view json, Message& message) {
  return Reader(json).Body(message);
}

}  // namespace events::web::api
