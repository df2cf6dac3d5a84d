#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace google::protobuf {
class Descriptor;
class FieldDescriptor;
class Message;
}  // namespace google::protobuf

// The API's JSON, one rule for every message (docs/api.md, "JSON"):
// - protobuf's JSON mapping (google::protobuf::util) with the field names of the protos
//   (snake_case; lowerCamelCase is also read), every field printed (zero values too), enums
//   by name, 64-bit integers as strings (numbers are also read);
// - times: an int64 field named `<name>_unix_ms` is on the API a string field `<name>_utc`
//   holding an RFC 3339 time in UTC with milliseconds ("2027-03-04T10:00:00.000Z"), or null
//   for none (0); input takes any RFC 3339 offset ("2027-03-04T10:00:00+01:00").
namespace events::web::api {

// True for an int64 field named "<name>_unix_ms".
bool IsTimeField(const google::protobuf::FieldDescriptor& field);
// The field's name on the API: "start_utc" for start_unix_ms, otherwise its proto name.
std::string ApiFieldName(const google::protobuf::FieldDescriptor& field);
// The field of `type` called `api_name` on the API (its proto name, its JSON camelCase name,
// or a time field's API name); nullptr when there is none.
const google::protobuf::FieldDescriptor* FindApiField(const google::protobuf::Descriptor& type,
                                                      absl::string_view api_name);

// "2027-03-04T10:00:00.000Z" for 1803463200000.
std::string FormatApiTime(int64_t unix_ms);
// INVALID_ARGUMENT naming `field` when `text` is not an RFC 3339 date and time with an
// offset (or "Z").
absl::StatusOr<int64_t> ParseApiTime(absl::string_view text, absl::string_view field);

absl::StatusOr<std::string> MessageToApiJson(const google::protobuf::Message& message);
// Merges a JSON object into `message`. INVALID_ARGUMENT naming the field and the rule for
// JSON that is not an object, an unknown field, a value of the wrong type, a time that is
// not RFC 3339, or `registration_token` (only the Registration-Token header carries it).
absl::Status ApiJsonToMessage(absl::string_view json, google::protobuf::Message& message);

// Sets the field at `dotted_name` (API names, "page.page_size") from text, as a path
// segment or a query parameter gives it: strings as they are, numbers in decimal, booleans
// "true"/"false", enums by name, times in RFC 3339. A repeated field gains one element.
// INVALID_ARGUMENT naming the parameter and the rule.
absl::Status SetFieldFromText(google::protobuf::Message& message, absl::string_view dotted_name,
                              absl::string_view value);

}  // namespace events::web::api
