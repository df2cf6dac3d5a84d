#include "services/web/api/openapi.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/web/api/json_mapping.h"
#include "services/web/api/openapi_schema.h"
#include "services/web/api/ordered_json.h"

namespace events::web::api {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;
using google::protobuf::ServiceDescriptor;

constexpr char kBearer[] = "apiKey";
constexpr char kToken[] = "registrationToken";

// An error answer shared by the operations (components/responses), and when it applies.
struct ErrorAnswer {
  int status;
  const char* name;
  const char* description;
};

const std::vector<ErrorAnswer>& ErrorAnswers() {
  static const auto* const kAnswers = new std::vector<ErrorAnswer>{
      {400, "BadRequest",
       "Bad input (INVALID_ARGUMENT, naming the field and the rule), or a state that does not "
       "allow the call (FAILED_PRECONDITION: closed, full, already decided) or OUT_OF_RANGE."},
      {401, "Unauthorized", "No API key, or one that is unknown or revoked (UNAUTHENTICATED)."},
      {403, "Forbidden",
       "The key may not do this: another organisation's, the wrong role, or a missing scope "
       "(PERMISSION_DENIED)."},
      {404, "NotFound", "No such thing, or not one the caller may see (NOT_FOUND)."},
      {409, "Conflict",
       "It exists already (ALREADY_EXISTS), or a concurrent change got there first (ABORTED)."},
      {412, "PreconditionFailed",
       "If-Match named a version that is no longer the current one (ABORTED): fetch it again."},
      {413, "ContentTooLarge", "The body is larger than the API allows (WEB_API_MAX_BODY_BYTES)."},
      {415, "UnsupportedMediaType", "The body is not sent as application/json."},
      {429, "TooManyRequests",
       "A rate limit (RESOURCE_EXHAUSTED): wait for Retry-After seconds and try again."},
      {500, "InternalError", "Something failed on the server (INTERNAL, UNKNOWN, DATA_LOSS)."},
      {503, "Unavailable",
       "A service or its store cannot be reached (UNAVAILABLE): a retry later may work."},
  };
  return *kAnswers;
}

bool HasField(const Descriptor& type, const char* name) {
  return type.FindFieldByName(name) != nullptr;
}

bool IsPublic(const ApiRoute& route) { return route.option.access() == "public"; }
bool IsAttendee(const ApiRoute& route) { return route.option.access() == "attendee"; }

// The answers `route` can give besides 200, by status.
std::vector<int> ErrorStatuses(const ApiRoute& route) {
  std::vector<int> out = {400};
  if (!IsPublic(route)) out.insert(out.end(), {401, 403});
  out.insert(out.end(), {404, 409});
  if (HasField(*route.method->input_type(), "expected_version")) out.push_back(412);
  if (route.has_body) out.insert(out.end(), {413, 415});
  out.insert(out.end(), {429, 500, 503});
  return out;
}

OrderedJson Ref(const std::string& where, const std::string& name) {
  OrderedJson ref;
  ref["$ref"] = absl::StrCat("#/components/", where, "/", name);
  return ref;
}

std::string TagOf(const MethodDescriptor& method) { return method.service()->name(); }

// The service's comment, else its file's opening comment (on `syntax`), which is where the
// protos describe a service.
std::string ServiceDescription(const ServiceDescriptor& service) {
  std::string text = ProtoComment(service);
  if (!text.empty()) return text;
  google::protobuf::FileDescriptorProto file;
  service.file()->CopySourceCodeInfoTo(&file);
  for (const auto& location : file.source_code_info().location()) {
    if (location.path_size() == 1 &&
        location.path(0) == google::protobuf::FileDescriptorProto::kSyntaxFieldNumber) {
      return CleanComment(location.leading_comments());
    }
  }
  return absl::StrCat("The calls of ", service.name(), ".");
}

std::string OperationDescription(const ApiRoute& route) {
  std::vector<std::string> parts;
  const std::string comment = ProtoComment(*route.method);
  if (!comment.empty()) parts.push_back(comment);
  std::string who = absl::StrCat("Who may call: ", route.option.access());
  if (IsAttendee(route)) absl::StrAppend(&who, " (with the Registration-Token header)");
  if (!route.option.scope().empty()) {
    absl::StrAppend(&who, "; also an integration key with the scope `", route.option.scope(), "`");
  }
  parts.push_back(absl::StrCat(who, "."));
  parts.push_back(absl::StrCat("gRPC: `/", route.method->service()->full_name(), "/",
                               route.method->name(), "`."));
  return absl::StrJoin(parts, "\n\n");
}

OrderedJson Security(const ApiRoute& route) {
  OrderedJson security = OrderedJson::Array();
  if (IsPublic(route)) return security;  // no credentials needed
  OrderedJson requirement;
  requirement[IsAttendee(route) ? kToken : kBearer] = OrderedJson::Array();
  security.Push(std::move(requirement));
  return security;
}

OrderedJson Parameter(const std::string& name, const char* in, bool required,
                      const std::string& description, OrderedJson schema) {
  OrderedJson p;
  p["name"] = name;
  p["in"] = in;
  if (!description.empty()) p["description"] = description;
  p["required"] = required;
  p["schema"] = std::move(schema);
  return p;
}

// The field a path parameter fills ("settings.event_id": event_id of settings).
const FieldDescriptor& PathField(const ApiRoute& route, const std::string& dotted) {
  const FieldDescriptor* field = nullptr;
  const Descriptor* type = route.method->input_type();
  for (absl::string_view part : absl::StrSplit(dotted, '.')) {
    field = type->FindFieldByName(std::string(part));  // LoadRoutes checked the path
    type = field->message_type();
  }
  return *field;
}

// The names of the route's path parameters in the document, in order (OpenApiPath).
std::vector<std::string> PathParameterNames(const ApiRoute& route) {
  std::vector<std::string> names;
  std::map<std::string, int> uses;
  for (const std::string& dotted : route.path_fields) {
    names.push_back(PathField(route, dotted).name());
    ++uses[names.back()];
  }
  for (size_t i = 0; i < names.size(); ++i) {
    if (uses[names[i]] > 1) names[i] = route.path_fields[i];
  }
  return names;
}

}  // namespace

std::string OpenApiPath(const ApiRoute& route) {
  const std::vector<std::string> names = PathParameterNames(route);
  std::string path;
  size_t next = 0;
  for (const std::string& segment : route.segments) {
    const bool param = segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
    absl::StrAppend(&path, "/", param ? absl::StrCat("{", names[next++], "}") : segment);
  }
  return path;
}

namespace {

OrderedJson Parameters(const ApiRoute& route, SchemaSet& schemas) {
  OrderedJson params = OrderedJson::Array();
  const Descriptor& input = *route.method->input_type();
  const std::vector<std::string> names = PathParameterNames(route);
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string& dotted = route.path_fields[i];
    std::string description = ProtoComment(PathField(route, dotted));
    if (names[i] != dotted) {
      description = absl::StrCat("The request's ", dotted, ".",
                                 description.empty() ? "" : absl::StrCat(" ", description));
    }
    OrderedJson schema;
    schema["type"] = "string";
    params.Push(Parameter(names[i], "path", true, description, std::move(schema)));
  }
  for (const QueryParameter& query : QueryParameters(route)) {
    params.Push(Parameter(query.name, "query", false, ProtoComment(*query.field),
                          schemas.ParameterSchema(*query.field)));
  }
  if (HasField(input, "idempotency_key")) {
    OrderedJson schema;
    schema["type"] = "string";
    params.Push(Parameter("Idempotency-Key", "header", false,
                          "Makes a retry safe: a call repeated with the same key answers as the "
                          "first did instead of doing it twice.",
                          std::move(schema)));
  }
  if (HasField(input, "expected_version")) {
    OrderedJson schema;
    schema["type"] = "string";
    schema["pattern"] = "^\"[0-9]+\"$";
    params.Push(Parameter("If-Match", "header", false,
                          "The version the change is based on, as the ETag of the last answer "
                          "gave it (\"7\"): when it is no longer current the answer is 412.",
                          std::move(schema)));
  }
  return params;
}

OrderedJson SuccessAnswer(const ApiRoute& route, SchemaSet& schemas) {
  OrderedJson answer;
  const Descriptor& output = *route.method->output_type();
  if (route.file_response) {
    answer["description"] =
        "The file, as a download (Content-Disposition: attachment with its file name).";
    answer["headers"]["Content-Disposition"]["description"] =
        "attachment; filename=\"...\": the file's name.";
    answer["headers"]["Content-Disposition"]["schema"]["type"] = "string";
    for (const std::string& type : FileContentTypes(route)) {
      // A JSON file is a document of its own (the feedback report), not a JSON string.
      OrderedJson& schema = answer["content"][type]["schema"];
      schema["type"] = type == "application/json" ? "object" : "string";
      if (type == "application/octet-stream") schema["contentMediaType"] = type;
    }
    return answer;
  }
  std::string description = ProtoComment(output);
  answer["description"] =
      description.empty() ? absl::StrCat("The ", output.name(), ".") : std::move(description);
  const FieldDescriptor* version = output.FindFieldByName("version");
  if (version != nullptr && version->cpp_type() == FieldDescriptor::CPPTYPE_INT64) {
    answer["headers"]["ETag"]["description"] =
        "The answer's version, quoted (\"7\"): send it back as If-Match to change it safely.";
    answer["headers"]["ETag"]["schema"]["type"] = "string";
  }
  answer["content"]["application/json"]["schema"] = Ref("schemas", schemas.Use(output));
  return answer;
}

OrderedJson Operation(const ApiRoute& route, SchemaSet& schemas) {
  OrderedJson op;
  op["operationId"] = route.method->name();
  op["summary"] = route.option.summary();
  op["description"] = OperationDescription(route);
  op["tags"] = OrderedJson::ArrayOf({TagOf(*route.method)});
  op["security"] = Security(route);
  OrderedJson params = Parameters(route, schemas);
  if (!params.empty()) op["parameters"] = std::move(params);
  if (route.has_body) {
    OrderedJson& body = op["requestBody"];
    body["description"] =
        "A JSON object (an empty body is {}); path fields, when repeated here, must match "
        "the path.";
    body["required"] = false;
    body["content"]["application/json"]["schema"] =
        Ref("schemas", schemas.UseRequest(*route.method->input_type()));
  }
  OrderedJson& responses = op["responses"];
  responses["200"] = SuccessAnswer(route, schemas);
  for (const int status : ErrorStatuses(route)) {
    for (const ErrorAnswer& error : ErrorAnswers()) {
      if (error.status == status) responses[absl::StrCat(status)] = Ref("responses", error.name);
    }
  }
  return op;
}

OrderedJson ProblemSchema() {
  OrderedJson s;
  s["type"] = "object";
  s["description"] =
      "An error (RFC 9457) carrying the gRPC status: its code and its message, which names "
      "the field and the rule for bad input.";
  s["required"] = OrderedJson::ArrayOf({"type", "title", "status", "code"});
  OrderedJson& p = s["properties"];
  p["type"]["type"] = "string";
  p["type"]["format"] = "uri";
  p["type"]["description"] =
      "https://inclusive-events.example/problems/<code in kebab case>, e.g. .../invalid-argument";
  p["title"]["type"] = "string";
  p["title"]["description"] = "Short words for the code.";
  p["status"]["type"] = "integer";
  p["status"]["format"] = "int32";
  p["status"]["description"] = "The HTTP status.";
  p["detail"]["type"] = "string";
  p["detail"]["description"] = "The gRPC message.";
  p["code"]["type"] = "string";
  p["code"]["description"] = "The gRPC status code's name.";
  p["code"]["enum"] = OrderedJson::ArrayOf(
      {"INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE", "UNAUTHENTICATED",
       "PERMISSION_DENIED", "NOT_FOUND", "ALREADY_EXISTS", "ABORTED", "RESOURCE_EXHAUSTED",
       "CANCELLED", "UNIMPLEMENTED", "UNAVAILABLE", "DEADLINE_EXCEEDED", "INTERNAL", "UNKNOWN",
       "DATA_LOSS"});
  p["request_id"]["type"] = "string";
  p["request_id"]["description"] = "The request's id, as in the logs (X-Request-Id).";
  return s;
}

OrderedJson ErrorResponses(const std::set<int>& used) {
  OrderedJson out = OrderedJson::Object();
  for (const ErrorAnswer& error : ErrorAnswers()) {
    if (used.count(error.status) == 0) continue;
    OrderedJson& r = out[error.name];
    r["description"] = error.description;
    if (error.status == 429) {
      r["headers"]["Retry-After"]["description"] = "Seconds to wait before trying again.";
      r["headers"]["Retry-After"]["schema"]["type"] = "integer";
      r["headers"]["Retry-After"]["schema"]["format"] = "int32";
    }
    r["content"]["application/problem+json"]["schema"] = Ref("schemas", "Problem");
  }
  return out;
}

OrderedJson SecuritySchemes(bool bearer, bool token) {
  OrderedJson out = OrderedJson::Object();
  if (bearer) {
    OrderedJson& s = out[kBearer];
    s["type"] = "http";
    s["scheme"] = "bearer";
    s["bearerFormat"] = "API key";
    s["description"] =
        "Authorization: Bearer <api key>: the same keys, roles and scopes as the gRPC API "
        "(eventctl keys create). An organiser key of the event's organisation, an access "
        "coordinator's, or an integration key with the scope an operation names.";
  }
  if (token) {
    OrderedJson& s = out[kToken];
    s["type"] = "apiKey";
    s["in"] = "header";
    s["name"] = "Registration-Token";
    s["description"] =
        "An attendee's personal token (from their sign-up's link), only ever in this header: "
        "never in a query string, where addresses get logged, nor in a body.";
  }
  return out;
}

}  // namespace

std::vector<std::string> FileContentTypes(const ApiRoute& route) {
  // What the services put in content_type (the descriptors cannot say it: it is a value).
  static const auto* const kTypes = new std::map<std::string, std::vector<std::string>>{
      {"events.v1.CalendarFile", {"text/calendar"}},
      {"events.v1.ContactsExport", {"text/csv"}},
      {"events.v1.ExportFile", {"text/csv"}},
      {"events.v1.FeedbackExport", {"text/csv", "application/json"}},
  };
  const auto it = kTypes->find(route.method->output_type()->full_name());
  if (it == kTypes->end()) return {"application/octet-stream"};
  return it->second;
}

absl::Status AddDescriptorSet(absl::string_view bytes, google::protobuf::DescriptorPool& pool) {
  google::protobuf::FileDescriptorSet set;
  if (!set.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InvalidArgumentError("the descriptor set does not parse");
  }
  for (const auto& file : set.file()) {
    if (pool.BuildFile(file) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("the descriptor set's file ", file.name(), " does not build"));
    }
  }
  return absl::OkStatus();
}

std::string OpenApiDocument(const std::vector<ApiRoute>& routes) {
  SchemaSet schemas;
  OrderedJson doc;
  doc["openapi"] = "3.1.0";
  OrderedJson& info = doc["info"];
  info["title"] = "Inclusive events HTTP/JSON API";
  info["version"] = "v1";
  info["description"] =
      "The platform's gRPC services over HTTP/JSON, generated from the protos: one operation "
      "per RPC, with the same keys, roles and scopes.\n\n"
      "JSON follows one rule: the protos' field names, every field present, enums by name, "
      "64-bit integers as strings, and times as RFC 3339 strings in UTC (a `start_unix_ms` "
      "field of the protos is `start` here), or null for none.\n\n"
      "Errors are application/problem+json (RFC 9457) with the gRPC code and message. "
      "Paging: page_size and page_token. Idempotency-Key makes a create safe to retry; "
      "ETag and If-Match guard changes. docs/api.md has the details and curl examples.";
  doc["servers"].Push(OrderedJson())["url"] = "/";

  std::vector<std::string> tags;
  std::map<std::string, const ServiceDescriptor*> services;
  std::set<int> used_errors;
  bool bearer = false;
  bool token = false;
  OrderedJson& paths = doc["paths"];
  paths = OrderedJson::Object();
  for (const ApiRoute& route : routes) {
    const std::string tag = TagOf(*route.method);
    if (services.emplace(tag, route.method->service()).second) tags.push_back(tag);
    for (const int status : ErrorStatuses(route)) used_errors.insert(status);
    if (!IsPublic(route)) (IsAttendee(route) ? token : bearer) = true;
    paths[OpenApiPath(route)][absl::AsciiStrToLower(route.http_method)] = Operation(route, schemas);
  }
  OrderedJson& tag_list = doc["tags"];
  tag_list = OrderedJson::Array();
  for (const std::string& tag : tags) {
    OrderedJson& t = tag_list.Push(OrderedJson());
    t["name"] = tag;
    t["description"] = ServiceDescription(*services[tag]);
  }
  OrderedJson& components = doc["components"];
  components["schemas"] = schemas.Build();
  components["schemas"]["Problem"] = ProblemSchema();
  components["responses"] = ErrorResponses(used_errors);
  components["securitySchemes"] = SecuritySchemes(bearer, token);
  return doc.Dump();
}

}  // namespace events::web::api
