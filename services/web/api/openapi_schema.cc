#include "services/web/api/openapi_schema.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/web/api/json_mapping.h"

namespace events::web::api {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;

constexpr char kTokenField[] = "registration_token";

// "Event" for events.v1.Event, "Event.Session" for a nested type; other packages keep their
// full name. Component names may hold letters, digits, ".", "-" and "_".
std::string ComponentName(const std::string& full_name) {
  return std::string(absl::StripPrefix(full_name, "events.v1."));
}

OrderedJson Typed(const char* type, const char* format = nullptr) {
  OrderedJson s;
  s["type"] = type;
  if (format != nullptr) s["format"] = format;
  return s;
}

OrderedJson RefTo(const std::string& name) {
  OrderedJson s;
  s["$ref"] = absl::StrCat("#/components/schemas/", name);
  return s;
}

}  // namespace

std::string CleanComment(const std::string& comment) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(comment, '\n')) {
    absl::ConsumePrefix(&line, " ");
    lines.emplace_back(absl::StripTrailingAsciiWhitespace(line));
  }
  return std::string(absl::StripAsciiWhitespace(absl::StrJoin(lines, "\n")));
}

std::string SchemaSet::Use(const Descriptor& type) {
  std::string name = ComponentName(type.full_name());
  messages_[name] = &type;
  elsewhere_.insert(name);
  return name;
}

std::string SchemaSet::UseRequest(const Descriptor& type) {
  std::string name = ComponentName(type.full_name());
  messages_[name] = &type;
  request_only_.insert(name);
  return name;
}

std::string SchemaSet::UseEnum(const EnumDescriptor& type) {
  std::string name = ComponentName(type.full_name());
  enums_[name] = &type;
  return name;
}

OrderedJson SchemaSet::ParameterSchema(const FieldDescriptor& field) {
  if (!field.is_repeated()) return ValueSchema(field, false);
  OrderedJson s = Typed("array");
  s["items"] = ValueSchema(field, false);
  return s;
}

OrderedJson SchemaSet::ValueSchema(const FieldDescriptor& field, bool nullable_time) {
  switch (field.type()) {
    case FieldDescriptor::TYPE_STRING:
      return Typed("string");
    case FieldDescriptor::TYPE_BYTES: {
      OrderedJson s = Typed("string", "byte");
      s["contentEncoding"] = "base64";
      return s;
    }
    case FieldDescriptor::TYPE_BOOL:
      return Typed("boolean");
    case FieldDescriptor::TYPE_DOUBLE:
      return Typed("number", "double");
    case FieldDescriptor::TYPE_FLOAT:
      return Typed("number", "float");
    case FieldDescriptor::TYPE_INT32:
    case FieldDescriptor::TYPE_SINT32:
    case FieldDescriptor::TYPE_SFIXED32:
      return Typed("integer", "int32");
    case FieldDescriptor::TYPE_UINT32:
    case FieldDescriptor::TYPE_FIXED32: {
      OrderedJson s = Typed("integer", "int64");
      s["minimum"] = 0;
      return s;
    }
    case FieldDescriptor::TYPE_INT64:
    case FieldDescriptor::TYPE_SINT64:
    case FieldDescriptor::TYPE_SFIXED64:
    case FieldDescriptor::TYPE_UINT64:
    case FieldDescriptor::TYPE_FIXED64: {
      if (IsTimeField(field)) {
        OrderedJson s;
        if (nullable_time) {
          s["type"] = OrderedJson::ArrayOf({"string", "null"});
        } else {
          s["type"] = "string";
        }
        s["format"] = "date-time";
        return s;
      }
      // Protobuf's JSON writes 64-bit integers as strings: a double cannot hold them all.
      OrderedJson s = Typed("string", "int64");
      s["pattern"] =
          field.cpp_type() == FieldDescriptor::CPPTYPE_UINT64 ? "^[0-9]+$" : "^-?[0-9]+$";
      return s;
    }
    case FieldDescriptor::TYPE_ENUM:
      return RefTo(UseEnum(*field.enum_type()));
    case FieldDescriptor::TYPE_MESSAGE:
    case FieldDescriptor::TYPE_GROUP: {
      const std::string name = ComponentName(field.message_type()->full_name());
      messages_[name] = field.message_type();
      elsewhere_.insert(name);
      return RefTo(name);
    }
  }
  return OrderedJson();
}

OrderedJson SchemaSet::FieldSchema(const FieldDescriptor& field) {
  OrderedJson s;
  if (field.is_map()) {
    s = Typed("object");
    s["additionalProperties"] = ValueSchema(*field.message_type()->map_value(), true);
  } else if (field.is_repeated()) {
    s = Typed("array");
    s["items"] = ValueSchema(field, true);
  } else {
    s = ValueSchema(field, true);
  }
  const std::string comment = ProtoComment(field);
  if (!comment.empty()) s["description"] = comment;
  return s;
}

OrderedJson SchemaSet::MessageSchema(const Descriptor& type, bool omit_token) {
  OrderedJson s = Typed("object");
  const std::string comment = ProtoComment(type);
  if (!comment.empty()) s["description"] = comment;
  OrderedJson& properties = s["properties"];
  properties = OrderedJson::Object();
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor& field = *type.field(i);
    if (omit_token && field.name() == kTokenField) continue;
    properties[ApiFieldName(field)] = FieldSchema(field);
  }
  return s;
}

OrderedJson SchemaSet::EnumSchema(const EnumDescriptor& type) {
  OrderedJson s = Typed("string");
  std::vector<std::string> names;
  std::vector<std::string> notes;
  for (int i = 0; i < type.value_count(); ++i) {
    names.push_back(type.value(i)->name());
    const std::string comment = ProtoComment(*type.value(i));
    if (!comment.empty()) notes.push_back(absl::StrCat("- ", type.value(i)->name(), ": ", comment));
  }
  std::vector<std::string> description;
  const std::string comment = ProtoComment(type);
  if (!comment.empty()) description.push_back(comment);
  if (!notes.empty()) description.push_back(absl::StrJoin(notes, "\n"));
  if (!description.empty()) s["description"] = absl::StrJoin(description, "\n\n");
  s["enum"] = OrderedJson::ArrayOf(names);
  return s;
}

OrderedJson SchemaSet::Build() {
  // Everything the used messages refer to, however deep: writing a schema names its
  // fields' types, which are then written in turn.
  std::map<std::string, OrderedJson> built;
  for (bool more = true; more;) {
    more = false;
    const auto pending = messages_;
    for (const auto& [name, type] : pending) {
      if (built.count(name) != 0) continue;
      built[name] = MessageSchema(*type, false);
      more = true;
    }
  }
  // A request body's message names no registration_token, unless an answer (or another
  // message) uses the same message.
  for (const std::string& name : request_only_) {
    if (elsewhere_.count(name) == 0) built[name] = MessageSchema(*messages_[name], true);
  }
  for (const auto& [name, type] : enums_) built[name] = EnumSchema(*type);
  OrderedJson out = OrderedJson::Object();
  for (auto& [name, schema] : built) out[name] = std::move(schema);
  return out;
}

}  // namespace events::web::api
