#include "services/web/api/json_mapping.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"

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

// Protobuf's JSON of `type` (in `object`) to the API's: time fields renamed and written
// as RFC 3339.
void ToApi(const Descriptor& type, Struct& object) {
  auto& fields = *object.mutable_fields();
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor& field = *type.field(i);
    auto found = fields.find(field.name());
    if (found == fields.end()) continue;
    if (IsTimeField(field) && !field.is_repeated()) {
      int64_t ms = 0;
      const Value& raw = found->second;
      if (raw.has_string_value()) {
        (void)absl::SimpleAtoi(raw.string_value(), &ms);
      } else if (raw.has_number_value()) {
        ms = static_cast<int64_t>(raw.number_value());
      }
      Value time;
      if (ms == 0) {
        time.set_null_value(google::protobuf::NULL_VALUE);
      } else {
        time.set_string_value(FormatApiTime(ms));
      }
      fields.erase(found);
      fields[ApiFieldName(field)] = std::move(time);
      continue;
    }
    if (!IsMessage(field) || field.message_type()->file()->package() != "events.v1") continue;
    Value& value = found->second;
    if (value.has_struct_value()) {
      ToApi(*field.message_type(), *value.mutable_struct_value());
    } else if (value.has_list_value()) {
      for (Value& element : *value.mutable_list_value()->mutable_values()) {
        if (element.has_struct_value()) {
          ToApi(*field.message_type(), *element.mutable_struct_value());
        }
      }
    }
  }
}

absl::Status FromApi(const Descriptor& type, Struct& object, const std::string& where);

absl::Status FromApiValue(const FieldDescriptor& field, Value& value, const std::string& where) {
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
  return std::string(absl::StripSuffix(field.name(), kTimeSuffix));
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
  const FieldDescriptor* time = type.FindFieldByName(absl::StrCat(name, kTimeSuffix));
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
  google::protobuf::util::JsonPrintOptions print;
  print.preserve_proto_field_names = true;
  print.always_print_primitive_fields = true;
  std::string proto_json;
  if (auto s = google::protobuf::util::MessageToJsonString(message, &proto_json, print); !s.ok()) {
    return absl::InternalError(
        absl::StrCat("cannot write the answer as JSON: ", s.message().ToString()));
  }
  Struct object;
  if (auto s = google::protobuf::util::JsonStringToMessage(proto_json, &object); !s.ok()) {
    return absl::InternalError(
        absl::StrCat("cannot read the answer's JSON: ", s.message().ToString()));
  }
  ToApi(*message.GetDescriptor(), object);
  std::string out;
  if (auto s = google::protobuf::util::MessageToJsonString(object, &out, print); !s.ok()) {
    return absl::InternalError(
        absl::StrCat("cannot write the answer as JSON: ", s.message().ToString()));
  }
  return out;
}

absl::Status ApiJsonToMessage(absl::string_view json, Message& message) {
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
