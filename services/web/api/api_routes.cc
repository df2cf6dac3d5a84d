#include "services/web/api/api_routes.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>
#include <httplib.h>

#include <memory>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/web/api/grpc_caller.h"
#include "services/web/api/json_mapping.h"
#include "services/web/api/problem.h"
#include "services/web/api/route_table.h"
#include "services/web/api/transcoder.h"

namespace events::web::api {
namespace {

using google::protobuf::Message;

constexpr char kAllowHeaders[] =
    "Authorization, Content-Type, Idempotency-Key, If-Match, Registration-Token, X-Request-Id";
constexpr char kExposeHeaders[] = "ETag, X-Request-Id, Retry-After, Content-Disposition, Allow";

// Shared by every handler; lives as long as the server.
struct Gateway {
  explicit Gateway(const ApiOptions& o) : options(o), caller(o.addresses) {}
  ApiOptions options;
  GrpcCaller caller;
  std::set<std::string> origins{options.cors_origins.begin(), options.cors_origins.end()};
};

std::unique_ptr<Message> NewMessage(const google::protobuf::Descriptor* type) {
  return std::unique_ptr<Message>(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type)->New());
}

// "Registrations 2027-03-04.csv" -> "Registrations_2027-03-04.csv": nothing that could end
// the header or its quoted string.
std::string SafeFilename(const std::string& name) {
  std::string out;
  for (const char c : name) {
    out += absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_'
               ? c
               : '_';
  }
  return out.empty() ? "download" : out.substr(0, 120);
}

Response FileAnswer(const Message& answer) {
  const auto* type = answer.GetDescriptor();
  const auto& r = *answer.GetReflection();
  Response response;
  response.content_type = r.GetString(answer, type->FindFieldByName("content_type"));
  if (response.content_type.empty() || !IsPlainHeaderValue(response.content_type)) {
    response.content_type = "application/octet-stream";
  }
  response.body = r.GetString(answer, type->FindFieldByName("content"));
  response.headers.emplace_back(
      "Content-Disposition",
      absl::StrCat("attachment; filename=\"",
                   SafeFilename(r.GetString(answer, type->FindFieldByName("filename"))), "\""));
  return response;
}

Response JsonAnswer(const Message& answer, const Request& request) {
  absl::StatusOr<std::string> json = MessageToApiJson(answer);
  if (!json.ok()) return Problem(json.status().code(), json.status().message(), request);
  Response response;
  response.content_type = "application/json";
  response.body = *std::move(json);
  const auto* version = answer.GetDescriptor()->FindFieldByName("version");
  if (version != nullptr && version->type() == google::protobuf::FieldDescriptor::TYPE_INT64 &&
      !version->is_repeated()) {
    const int64_t v = answer.GetReflection()->GetInt64(answer, version);
    if (v > 0) response.headers.emplace_back("ETag", absl::StrCat("\"", v, "\""));
  }
  return response;
}

bool IsJson(const std::string& content_type) {
  const std::string type = absl::AsciiStrToLower(
      absl::StripAsciiWhitespace(content_type.substr(0, content_type.find(';'))));
  return type == "application/json" ||
         (absl::StartsWith(type, "application/") && absl::EndsWith(type, "+json"));
}

Response Handle(const Gateway& gateway, const ApiRoute& route, const Request& request) {
  if (route.has_body && !absl::StripAsciiWhitespace(request.body()).empty() &&
      !IsJson(request.Header("Content-Type"))) {
    return HttpProblem(415, "Content-Type must be application/json, with a JSON object body",
                       request);
  }
  std::unique_ptr<Message> message = NewMessage(route.method->input_type());
  if (absl::Status s = BuildRequest(route, request, *message); !s.ok()) {
    return Problem(s.code(), s.message(), request);
  }
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + gateway.options.deadline);
  context.AddMetadata("x-request-id", request.request_id);
  if (!request.client_address.empty()) {
    context.AddMetadata("x-forwarded-for", request.client_address);
  }
  if (request.raw->has_header("Authorization")) {
    const std::string authorization = request.Header("Authorization");
    if (!IsPlainHeaderValue(authorization)) {
      return Problem(absl::StatusCode::kUnauthenticated,
                     "Authorization must be \"Bearer \" and an API key", request);
    }
    context.AddMetadata("authorization", authorization);
  }
  std::unique_ptr<Message> answer = NewMessage(route.method->output_type());
  const grpc::Status status = gateway.caller.Call(*route.method, context, *message, *answer);
  if (!status.ok()) {
    const auto code = static_cast<absl::StatusCode>(status.error_code());
    const bool stale = code == absl::StatusCode::kAborted && request.raw->has_header("If-Match");
    return Problem(code, status.error_message(), request, stale ? 412 : 0);
  }
  return route.file_response ? FileAnswer(*answer) : JsonAnswer(*answer, request);
}

// CORS for the allowed origins only; nothing at all for the others (the browser refuses).
void AddCors(const Gateway& gateway, const Request& request, Response& response) {
  const std::string origin = request.Header("Origin");
  if (origin.empty() || gateway.origins.count(origin) == 0) return;
  response.headers.emplace_back("Access-Control-Allow-Origin", origin);
  response.headers.emplace_back("Vary", "Origin");
  response.headers.emplace_back("Access-Control-Expose-Headers", kExposeHeaders);
}

Response Preflight(const Gateway& gateway, const std::string& methods, const Request& request) {
  const std::string origin = request.Header("Origin");
  if (origin.empty() || gateway.origins.count(origin) == 0) {
    return HttpProblem(403,
                       "calls from web pages of this origin are not allowed (the API's "
                       "WEB_API_CORS_ORIGINS setting lists the origins that are)",
                       request);
  }
  Response response;
  response.status = 204;
  response.content_type = "text/plain; charset=utf-8";
  response.headers.emplace_back("Access-Control-Allow-Methods", methods);
  response.headers.emplace_back("Access-Control-Allow-Headers", kAllowHeaders);
  response.headers.emplace_back("Access-Control-Max-Age", "600");
  AddCors(gateway, request, response);
  return response;
}

}  // namespace

bool IsApiRequest(const Request& request) {
  return request.raw != nullptr && absl::StartsWith(request.raw->path, "/api/");
}

Response ApiErrorResponse(int status, const Request& request) {
  switch (status) {
    case 404:
      return HttpProblem(404, "there is no such API path; GET /api/v1/openapi.json lists them",
                         request);
    case 413:
      return HttpProblem(413,
                         "the body is larger than the API takes (WEB_API_MAX_BODY_BYTES, 256 KiB "
                         "unless the operator changed it)",
                         request);
    default:
      return HttpProblem(status, "the request could not be read", request);
  }
}

absl::Status AddApiRoutes(WebServer& server, const ApiOptions& options) {
  absl::StatusOr<std::vector<ApiRoute>> routes = LoadCompiledRoutes();
  if (!routes.ok()) return routes.status();
  auto gateway = std::make_shared<Gateway>(options);
  // Paths by the pattern they match ("/api/v1/events/{}/registration-settings": GET names
  // its parameter event_id, PUT settings.event_id), with their methods, for the OPTIONS
  // and 405 answers.
  std::map<std::string, std::pair<std::string, std::set<std::string>>> methods_of;
  for (const ApiRoute& route : *routes) {
    std::string shape;
    for (const std::string& segment : route.segments) {
      absl::StrAppend(&shape, "/", absl::StartsWith(segment, "{") ? "{}" : segment);
    }
    auto& [path, methods] = methods_of[shape];
    if (path.empty()) path = route.path;
    methods.insert(route.http_method);
    server.Route(
        route.http_method, route.path,
        [gateway, route](const Request& request) {
          Response response = Handle(*gateway, route, request);
          AddCors(*gateway, request, response);
          return response;
        },
        options.max_body_bytes);
  }
  static const std::vector<std::string> kAll = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  for (const auto& [shape, path_and_methods] : methods_of) {
    const auto& [path, methods] = path_and_methods;
    const std::string allow = absl::StrJoin(methods, ", ");
    server.Route(
        "OPTIONS", path,
        [gateway, allow](const Request& request) { return Preflight(*gateway, allow, request); },
        options.max_body_bytes);
    for (const std::string& method : kAll) {
      if (methods.count(method) != 0) continue;
      server.Route(
          method, path,
          [gateway, allow, method](const Request& request) {
            Response response = HttpProblem(
                405, absl::StrCat(method, " is not a method of this path; it takes ", allow),
                request);
            response.headers.emplace_back("Allow", allow);
            AddCors(*gateway, request, response);
            return response;
          },
          options.max_body_bytes);
    }
  }
  return absl::OkStatus();
}

}  // namespace events::web::api
