#pragma once

#include <google/protobuf/descriptor.h>

#include <map>
#include <set>
#include <string>

#include "services/web/api/ordered_json.h"

// The JSON Schemas of the OpenAPI document (openapi.h): one per message and enum, by the
// API's JSON rule (json_mapping.h), and the comments of the protos as descriptions.
namespace events::web::api {

// A comment of the protos as plain text: comment markers' spaces and blank ends gone.
std::string CleanComment(const std::string& comment);

// The comment above `descriptor` (or after it, when there is none above); "" when the
// descriptor has no source info (the generated pool) or no comment.
template <typename D>
std::string ProtoComment(const D& descriptor) {
  google::protobuf::SourceLocation location;
  if (!descriptor.GetSourceLocation(&location)) return "";
  const std::string& text =
      location.leading_comments.empty() ? location.trailing_comments : location.leading_comments;
  return CleanComment(text);
}

// The schemas the document's operations use, collected as they are named, then written
// with everything they refer to. Not thread-safe (one per document).
class SchemaSet {
 public:
  // The component name of `type` ("Event" for events.v1.Event), marked as used.
  std::string Use(const google::protobuf::Descriptor& type);
  // The same for a request body: its schema lists no registration_token, which only the
  // Registration-Token header carries (unless the message is also used elsewhere).
  std::string UseRequest(const google::protobuf::Descriptor& type);
  // The schema of a query parameter: like the field's in a body, but a time is never null.
  OrderedJson ParameterSchema(const google::protobuf::FieldDescriptor& field);

  // components/schemas: every used message and enum and what they refer to, sorted by name.
  OrderedJson Build();

 private:
  std::string UseEnum(const google::protobuf::EnumDescriptor& type);
  OrderedJson ValueSchema(const google::protobuf::FieldDescriptor& field, bool nullable_time);
  OrderedJson FieldSchema(const google::protobuf::FieldDescriptor& field);
  OrderedJson MessageSchema(const google::protobuf::Descriptor& type, bool omit_token);
  static OrderedJson EnumSchema(const google::protobuf::EnumDescriptor& type);

  std::map<std::string, const google::protobuf::Descriptor*> messages_;
  std::map<std::string, const google::protobuf::EnumDescriptor*> enums_;
  // Messages named only as request bodies (not as answers nor inside another message).
  std::set<std::string> request_only_;
  std::set<std::string> elsewhere_;
};

}  // namespace events::web::api
