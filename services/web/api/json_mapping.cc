#include "services/web/api/json_mapping.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "common/log/json_escape.h"

namespace events::web::api {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::ListValue;
using google::protobuf::Message;
using google::protobuf::Reflection;
using google::protobuf::Struct;
using google::protobuf::Value;

constexpr absl::string_view kTimeSuffix = "_unix_ms";
// What a time field is called on the API instead: "created_unix_ms" is "created_utc".
constexpr absl::string_view kApiTimeSuffix = "_utc";
constexpr char kTokenField[] = "registration_token";

bool IsMessage(const FieldDescriptor& field) {
  return field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !field.is_map();
}

absl::Status Invalid(absl::string_view where, absl::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", rule));
}

absl::string_view KindName(const Value& value) {
  switch (value.kind_case()) {
    case Value::kNullValue:
      return "null";
    case Value::kNumberValue:
      return "a number";
    case Value::kStringValue:
      return "a string";
    case Value::kBoolValue:
      return "true or false";
    case Value::kStructValue:
      return "an object";
    case Value::kListValue:
      return "a list";
    default:
      return "nothing";
  }
}

void WriteMessage(const Message& message, std::string& out);

void WriteString(absl::string_view text, std::string& out) {
  out += '"';
  events::logging::AppendJsonEscaped(std::string_view(text.data(), text.size()), out);
  out += '"';
}

void WriteDouble(double value, std::string& out) {
  if (std::isnan(value)) {
    out += "\"NaN\"";
  } else if (std::isinf(value)) {
    out += value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  } else {
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
    out.append(buffer, result.ptr);
  }
}

// One value of `field` (element `index` when repeated, -1 otherwise), by protobuf's JSON
// mapping and the time rule.
void WriteValue(const Message& message, const FieldDescriptor& field, int index, std::string& out) {
  const Reflection& r = *message.GetReflection();
  const bool rep = index >= 0;
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      absl::StrAppend(
          &out, rep ? r.GetRepeatedInt32(message, &field, index) : r.GetInt32(message, &field));
      return;
    case FieldDescriptor::CPPTYPE_UINT32:
      absl::StrAppend(
          &out, rep ? r.GetRepeatedUInt32(message, &field, index) : r.GetUInt32(message, &field));
      return;
    case FieldDescriptor::CPPTYPE_INT64: {
      const int64_t v =
          rep ? r.GetRepeatedInt64(message, &field, index) : r.GetInt64(message, &field);
      if (IsTimeField(field)) {
        if (v == 0) {
          out += "null";
        } else {
          WriteString(FormatApiTime(v), out);
        }
      } else {
        absl::StrAppend(&out, "\"", v, "\"");
      }
      return;
    }
    case FieldDescriptor::CPPTYPE_UINT64:
      absl::StrAppend(
          &out, "\"",
          rep ? r.GetRepeatedUInt64(message, &field, index) : r.GetUInt64(message, &field), "\"");
      return;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      WriteDouble(rep ? r.GetRepeatedDouble(message, &field, index) : r.GetDouble(message, &field),
                  out);
      return;
    case FieldDescriptor::CPPTYPE_FLOAT:
      WriteDouble(rep ? r.GetRepeatedFloat(message, &field, index) : r.GetFloat(message, &field),
                  out);
      return;
    case FieldDescriptor::CPPTYPE_BOOL:
      out += (rep ? r.GetRepeatedBool(message, &field, index) : r.GetBool(message, &field))
                 ? "true"
                 : "false";
      return;
    case FieldDescriptor::CPPTYPE_ENUM: {
      const int number =
          rep ? r.GetRepeatedEnumValue(message, &field, index) : r.GetEnumValue(message, &field);
      const auto* value = field.enum_type()->FindValueByNumber(number);
      if (value != nullptr) {
        WriteString(value->name(), out);
      } else {
        absl::StrAppend(&out, number);
      }
      return;
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& text = rep ? r.GetRepeatedStringReference(message, &field, index, &scratch)
                                    : r.GetStringReference(message, &field, &scratch);
      if (field.type() == FieldDescriptor::TYPE_BYTES) {
        WriteString(absl::Base64Escape(text), out);
      } else {
        WriteString(text, out);
      }
      return;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      WriteMessage(
          rep ? r.GetRepeatedMessage(message, &field, index) : r.GetMessage(message, &field), out);
      return;
  }
}

// A map field: a JSON object keyed by the entries' keys as text.
void WriteMap(const Message& message, const FieldDescriptor& field, std::string& out) {
  const Reflection& r = *message.GetReflection();
  const FieldDescriptor& key = *field.message_type()->map_key();
  const FieldDescriptor& value = *field.message_type()->map_value();
  std::map<std::string, const Message*> entries;  // sorted: the same answer every time
  for (int i = 0; i < r.FieldSize(message, &field); ++i) {
    const Message& entry = r.GetRepeatedMessage(message, &field, i);
    std::string name;
    WriteValue(entry, key, -1, name);
    if (!name.empty() && name.front() != '"') name = absl::StrCat("\"", name, "\"");
    entries[name] = &entry;
  }
  out += '{';
  bool first = true;
  for (const auto& [name, entry] : entries) {
    if (!first) out += ',';
    first = false;
    absl::StrAppend(&out, name, ":");
    WriteValue(*entry, value, -1, out);
  }
  out += '}';
}

// Every field in declaration order, zero values too, as protobuf's own JSON writes with
// always_print_primitive_fields: fields with presence (messages, oneof members) only when
// set.
void WriteMessage(const Message& message, std::string& out) {
  const Descriptor& type = *message.GetDescriptor();
  const Reflection& r = *message.GetReflection();
  out += '{';
  bool first = true;
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor& field = *type.field(i);
    if (!field.is_repeated() && field.has_presence() && !r.HasField(message, &field)) continue;
    if (!first) out += ',';
    first = false;
    WriteString(ApiFieldName(field), out);
    out += ':';
    if (field.is_map()) {
      WriteMap(message, field, out);
    } else if (field.is_repeated()) {
      out += '[';
      for (int j = 0; j < r.FieldSize(message, &field); ++j) {
        if (j > 0) out += ',';
        WriteValue(message, field, j, out);
      }
      out += ']';
    } else {
      WriteValue(message, field, -1, out);
    }
  }
  out += '}';
}

absl::Status FromApi(const Descriptor& type, Struct& object, const std::string& where);

// The JSON kind a field takes, checked before protobuf's parser sees it: protobuf's is
// lenient ("yes" is true) and its messages do not say which rule was broken.
absl::Status CheckKind(const FieldDescriptor& field, const Value& value, const std::string& at,
                       bool element) {
  if (value.has_null_value()) return absl::OkStatus();  // the field's zero value
  if (field.is_repeated() && !element) {
    if (field.is_map()) {
      return value.has_struct_value() ? absl::OkStatus() : Invalid(at, "must be an object");
    }
    if (!value.has_list_value()) {
      return Invalid(at, absl::StrCat("must be a list, not ", KindName(value)));
    }
    int index = 0;
    for (const Value& v : value.list_value().values()) {
      if (absl::Status s = CheckKind(field, v, absl::StrCat(at, "[", index++, "]"), true);
          !s.ok()) {
        return s;
      }
    }
    return absl::OkStatus();
  }
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_BOOL:
      if (value.has_bool_value()) return absl::OkStatus();
      return Invalid(at, absl::StrCat("must be true or false, not ", KindName(value)));
    case FieldDescriptor::CPPTYPE_STRING:
      if (value.has_string_value()) return absl::OkStatus();
      return Invalid(at, absl::StrCat("must be a string, not ", KindName(value)));
    case FieldDescriptor::CPPTYPE_ENUM:
      if (value.has_string_value() || value.has_number_value()) return absl::OkStatus();
      return Invalid(at, absl::StrCat("must be one of the names of ", field.enum_type()->name(),
                                      ", not ", KindName(value)));
    case FieldDescriptor::CPPTYPE_MESSAGE:
      if (value.has_struct_value()) return absl::OkStatus();
      return Invalid(at, absl::StrCat("must be an object, not ", KindName(value)));
    default:  // numbers: protobuf also reads them from strings (64-bit integers)
      if (value.has_number_value() || value.has_string_value()) return absl::OkStatus();
      return Invalid(at, absl::StrCat("must be a number, not ", KindName(value)));
  }
}

absl::Status FromApiValue(const FieldDescriptor& field, Value& value, const std::string& where) {
  if (absl::Status s = CheckKind(field, value, where, false); !s.ok()) return s;
  if (!IsMessage(field) || field.message_type()->file()->package() != "events.v1") {
    return absl::OkStatus();
  }
  if (value.has_struct_value()) {
    return FromApi(*field.message_type(), *value.mutable_struct_value(), where);
  }
  if (value.has_list_value() && field.is_repeated()) {
    int index = 0;
    for (Value& element : *value.mutable_list_value()->mutable_values()) {
      const std::string at = absl::StrCat(where, "[", index++, "]");
      if (!element.has_struct_value()) {
        return Invalid(at, absl::StrCat("must be an object, not ", KindName(element)));
      }
      if (absl::Status s = FromApi(*field.message_type(), *element.mutable_struct_value(), at);
          !s.ok()) {
        return s;
      }
    }
  }
  return absl::OkStatus();
}

// The API's JSON of `type` to protobuf's: unknown names refused by name, times parsed.
absl::Status FromApi(const Descriptor& type, Struct& object, const std::string& where) {
  Struct out;
  for (auto& [name, value] : *object.mutable_fields()) {
    const std::string at = where.empty() ? name : absl::StrCat(where, ".", name);
    if (name == kTokenField) {
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
      return Invalid(at, absl::StrCat("is not a field of ", type.name()));
    }
    if (IsTimeField(*field) && !field->is_repeated()) {
      Value ms;
      if (value.has_string_value()) {
        absl::StatusOr<int64_t> parsed = ParseApiTime(value.string_value(), at);
        if (!parsed.ok()) return parsed.status();
        ms.set_string_value(absl::StrCat(*parsed));
      } else if (value.has_null_value()) {
        ms.set_string_value("0");
      } else {
        return Invalid(at, absl::StrCat("must be an RFC 3339 time (a string such as "
                                        "\"2027-03-04T10:00:00Z\") or null, not ",
                                        KindName(value)));
      }
      (*out.mutable_fields())[field->name()] = std::move(ms);
      continue;
    }
    if (absl::Status s = FromApiValue(*field, value, at); !s.ok()) return s;
    (*out.mutable_fields())[field->name()] = std::move(value);
  }
  object = std::move(out);
  return absl::OkStatus();
}

constexpr int kMaxNesting = 32;

// The deepest nesting of objects and lists in `json`, outside strings; stops counting past
// kMaxNesting + 1. Linear, and never fails: malformed JSON is the parser's to report.
int NestingDepth(absl::string_view json) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : json) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
      if (deepest > kMaxNesting) return deepest;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

// "capacity: invalid value ..." style messages from protobuf's parser, said for people.
absl::Status ParserError(const absl::Status& status) {
  return absl::InvalidArgumentError(
      absl::StrCat("the body does not fit the request: ", status.message()));
}

}  // namespace

bool IsTimeField(const FieldDescriptor& field) {
  return field.type() == FieldDescriptor::TYPE_INT64 && absl::EndsWith(field.name(), kTimeSuffix) &&
         field.name().size() > kTimeSuffix.size();
}

std::string ApiFieldName(const FieldDescriptor& field) {
  if (!IsTimeField(field)) return field.name();
  return absl::StrCat(absl::StripSuffix(field.name(), kTimeSuffix), kApiTimeSuffix);
}

const FieldDescriptor* FindApiField(const Descriptor& type, absl::string_view api_name) {
  const std::string name(api_name);
  const FieldDescriptor* field = type.FindFieldByName(name);
  if (field != nullptr && !IsTimeField(*field)) return field;
  if (field == nullptr) {
    // lowerCamelCase, as protobuf's own JSON writes names (Debian's protobuf has no
    // FindFieldByJsonName).
    for (int i = 0; i < type.field_count(); ++i) {
      const FieldDescriptor* candidate = type.field(i);
      if (candidate->json_name() == name && !IsTimeField(*candidate)) return candidate;
    }
  }
  if (!absl::EndsWith(name, kApiTimeSuffix)) return nullptr;
  const FieldDescriptor* time =
      type.FindFieldByName(absl::StrCat(absl::StripSuffix(name, kApiTimeSuffix), kTimeSuffix));
  if (time != nullptr && IsTimeField(*time)) return time;
  return nullptr;
}

std::string FormatApiTime(int64_t unix_ms) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E3SZ", absl::FromUnixMillis(unix_ms),
                          absl::UTCTimeZone());
}

absl::StatusOr<int64_t> ParseApiTime(absl::string_view text, absl::string_view field) {
  absl::Time time;
  std::string error;
  if (text.size() > 64 || !absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
    return Invalid(field,
                   "must be an RFC 3339 date and time with an offset, such as "
                   "\"2027-03-04T10:00:00Z\" or \"2027-03-04T10:00:00+01:00\"");
  }
  return absl::ToUnixMillis(time);
}

absl::StatusOr<std::string> MessageToApiJson(const Message& message) {
  std::string out;
  WriteMessage(message, out);
  return out;
}

absl::Status ApiJsonToMessage(absl::string_view json, Message& message) {
  // protobuf's parser takes time that grows much faster than the input with the depth of
  // nesting (16,000 levels took 15 s): refuse deep bodies before it sees them. The API's
  // requests nest a few levels at most.
  if (NestingDepth(json) > kMaxNesting) {
    return absl::InvalidArgumentError(
        absl::StrCat("the body nests objects or lists deeper than ", kMaxNesting, " levels"));
  }
  Value value;
  google::protobuf::util::JsonParseOptions parse;
  if (auto s = google::protobuf::util::JsonStringToMessage(
          google::protobuf::StringPiece(json.data(), json.size()), &value, parse);
      !s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the body is not JSON (", s.message().ToString(), "); send one JSON object"));
  }
  if (!value.has_struct_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the body must be one JSON object, not ", KindName(value)));
  }
  Struct& object = *value.mutable_struct_value();
  if (absl::Status s = FromApi(*message.GetDescriptor(), object, ""); !s.ok()) return s;
  std::string proto_json;
  if (auto s = google::protobuf::util::MessageToJsonString(object, &proto_json); !s.ok()) {
    return absl::InternalError(absl::StrCat("cannot rewrite the body: ", s.message().ToString()));
  }
  std::unique_ptr<Message> parsed(message.New());
  if (auto s = google::protobuf::util::JsonStringToMessage(proto_json, parsed.get(), parse);
      !s.ok()) {
    return ParserError(absl::Status(absl::StatusCode::kInvalidArgument, s.message().ToString()));
  }
  message.MergeFrom(*parsed);
  return absl::OkStatus();
}

absl::Status SetFieldFromText(Message& message, absl::string_view dotted_name,
                              absl::string_view value) {
  Message* target = &message;
  const FieldDescriptor* field = nullptr;
  const std::vector<absl::string_view> parts = absl::StrSplit(dotted_name, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == kTokenField) {
      return Invalid(dotted_name,
                     "send the registration token in the Registration-Token "
                     "header, never in the address");
    }
    field = FindApiField(*target->GetDescriptor(), parts[i]);
    if (field == nullptr) {
      return Invalid(dotted_name, absl::StrCat("is not a parameter of this call"));
    }
    if (i + 1 < parts.size()) {
      if (!IsMessage(*field) || field->is_repeated()) {
        return Invalid(dotted_name, "is not a parameter of this call");
      }
      target = target->GetReflection()->MutableMessage(target, field);
    }
  }
  const Reflection& r = *target->GetReflection();
  const bool repeated = field->is_repeated();
  const std::string text(value);
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      if (field->type() == FieldDescriptor::TYPE_BYTES) {
        return Invalid(dotted_name, "bytes cannot be given in the address");
      }
      repeated ? r.AddString(target, field, text) : r.SetString(target, field, text);
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t n = 0;
      if (!absl::SimpleAtoi(value, &n)) return Invalid(dotted_name, "must be a whole number");
      repeated ? r.AddInt32(target, field, n) : r.SetInt32(target, field, n);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t n = 0;
      if (IsTimeField(*field)) {
        absl::StatusOr<int64_t> parsed = ParseApiTime(value, dotted_name);
        if (!parsed.ok()) return parsed.status();
        n = *parsed;
      } else if (!absl::SimpleAtoi(value, &n)) {
        return Invalid(dotted_name, "must be a whole number");
      }
      repeated ? r.AddInt64(target, field, n) : r.SetInt64(target, field, n);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      if (value != "true" && value != "false") {
        return Invalid(dotted_name, "must be true or false");
      }
      repeated ? r.AddBool(target, field, value == "true")
               : r.SetBool(target, field, value == "true");
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* known = field->enum_type()->FindValueByName(text);
      if (known == nullptr) {
        return Invalid(dotted_name,
                       absl::StrCat("must be one of the names of ", field->enum_type()->name()));
      }
      repeated ? r.AddEnum(target, field, known) : r.SetEnum(target, field, known);
      return absl::OkStatus();
    }
    default:
      return Invalid(dotted_name, "cannot be given in the address; send it in a JSON body");
  }
}

}  // namespace events::web::api
