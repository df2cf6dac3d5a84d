#include "services/web/api/transcoder.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <httplib.h>

#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/web/api/json_mapping.h"

namespace events::web::api {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

constexpr size_t kMaxPathParameterBytes = 200;

// The string at `dotted` (API names) in `message`, "" when unset.
std::string StringAt(const Message& message, absl::string_view dotted) {
  const Message* current = &message;
  const std::vector<absl::string_view> parts = absl::StrSplit(dotted, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* field = FindApiField(*current->GetDescriptor(), parts[i]);
    if (field == nullptr) return "";
    if (i + 1 == parts.size()) return current->GetReflection()->GetString(*current, field);
    current = &current->GetReflection()->GetMessage(*current, field);
  }
  return "";
}

absl::Status PathParameter(absl::string_view name, absl::string_view value) {
  if (value.empty() || value.size() > kMaxPathParameterBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, " (in the path) must be 1 to ", kMaxPathParameterBytes, " characters"));
  }
  if (value == "." || value == "..") {
    return absl::InvalidArgumentError(absl::StrCat(name, " (in the path) cannot be . or .."));
  }
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, " (in the path) cannot contain control characters"));
    }
  }
  return absl::OkStatus();
}

absl::Status FromQuery(const ApiRoute& route, const Request& http, Message& request) {
  const std::vector<QueryParameter>& parameters = QueryParameters(route);
  std::map<std::string, int> seen;
  for (const auto& [name, value] : http.raw->params) {
    const QueryParameter* parameter = nullptr;
    for (const QueryParameter& p : parameters) {
      if (p.name == name) parameter = &p;
    }
    if (parameter == nullptr) {
      if (name == "registration_token") {
        return absl::InvalidArgumentError(
            "registration_token: send the registration token in the Registration-Token "
            "header, never in the address (addresses are logged)");
      }
      std::string known;
      for (const QueryParameter& p : parameters)
        absl::StrAppend(&known, known.empty() ? "" : ", ", p.name);
      return absl::InvalidArgumentError(absl::StrCat(
          "query parameter ", name, " is not one this call takes",
          known.empty() ? " (it takes none)" : absl::StrCat(" (it takes: ", known, ")")));
    }
    if (++seen[name] > 1 && !parameter->field->is_repeated()) {
      return absl::InvalidArgumentError(
          absl::StrCat("query parameter ", name, " is given more than once"));
    }
    if (absl::Status s = SetFieldFromText(request, parameter->field_path, value); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("query parameter ", s.message()));
    }
  }
  return absl::OkStatus();
}

absl::Status FromBody(const Request& http, Message& request) {
  const std::string& body = http.body();
  if (absl::StripAsciiWhitespace(body).empty()) return absl::OkStatus();
  return ApiJsonToMessage(body, request);
}

absl::Status FromHeaders(const Request& http, Message& request) {
  const google::protobuf::Descriptor& type = *request.GetDescriptor();
  for (const HeaderBinding& binding : HeaderBindings()) {
    if (!http.raw->has_header(binding.header)) continue;
    const std::string value = http.Header(binding.header);
    const FieldDescriptor* field = type.FindFieldByName(binding.field);
    if (field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(binding.header, " is not taken by this call; leave it out"));
    }
    if (!IsPlainHeaderValue(value)) {
      return absl::InvalidArgumentError(
          absl::StrCat(binding.header, " must be printable ASCII of at most 1024 characters"));
    }
    const Message& read = request;
    if (field->type() == FieldDescriptor::TYPE_INT64) {
      absl::StatusOr<int64_t> version = ParseIfMatch(value);
      if (!version.ok()) return version.status();
      const int64_t in_body = read.GetReflection()->GetInt64(read, field);
      if (in_body != 0 && in_body != *version) {
        return absl::InvalidArgumentError(absl::StrCat("If-Match names version ", *version,
                                                       " but the body's ", binding.field, " is ",
                                                       in_body, "; send one"));
      }
      request.GetReflection()->SetInt64(&request, field, *version);
      continue;
    }
    const std::string in_body = read.GetReflection()->GetString(read, field);
    if (!in_body.empty() && in_body != value) {
      return absl::InvalidArgumentError(
          absl::StrCat(binding.header, " and the body's ", binding.field, " differ; send one"));
    }
    request.GetReflection()->SetString(&request, field, value);
  }
  return absl::OkStatus();
}

}  // namespace

bool IsPlainHeaderValue(absl::string_view value) {
  if (value.size() > 1024) return false;
  for (const char c : value) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

absl::StatusOr<int64_t> ParseIfMatch(absl::string_view value) {
  absl::string_view v = absl::StripAsciiWhitespace(value);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  int64_t version = 0;
  if (v.empty() || v.size() > 19 || !absl::SimpleAtoi(v, &version) || version <= 0 ||
      !absl::ascii_isdigit(static_cast<unsigned char>(v.front()))) {
    return absl::InvalidArgumentError(
        "If-Match must be the ETag of the version you read, such as \"7\"");
  }
  return version;
}

absl::Status BuildRequest(const ApiRoute& route, const Request& http, Message& request) {
  if (route.has_body) {
    if (absl::Status s = FromBody(http, request); !s.ok()) return s;
  } else {
    if (!absl::StripAsciiWhitespace(http.body()).empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(route.http_method, " takes no body; send parameters in the query string"));
    }
    if (absl::Status s = FromQuery(route, http, request); !s.ok()) return s;
  }
  for (size_t i = 0; i < route.path_fields.size() && i < http.params.size(); ++i) {
    const std::string& name = route.path_fields[i];
    const std::string& value = http.params[i];
    if (absl::Status s = PathParameter(name, value); !s.ok()) return s;
    const std::string in_body = StringAt(request, name);
    if (!in_body.empty() && in_body != value) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, " in the body differs from the path's; leave it out of the body"));
    }
    if (absl::Status s = SetFieldFromText(request, name, value); !s.ok()) return s;
  }
  return FromHeaders(http, request);
}

}  // namespace events::web::api
