#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "events/v1/http.pb.h"

namespace google::protobuf {
class DescriptorPool;
class FieldDescriptor;
class MethodDescriptor;
}  // namespace google::protobuf

// The HTTP/JSON API's routes, read from the (events.v1.http) options of the services' RPCs
// (protos/events/v1/http.proto). The gateway, the OpenAPI generator and the tests all list
// the API from here, so an annotated RPC is on the API with no new C++.
namespace events::web::api {

// A query parameter of a GET or DELETE route: a field of the request not in the path,
// named by its API name (json_mapping.h); a field inside a message field of the request
// ("page.page_size") by its own name when no other parameter has that name ("page_size"),
// else by the dotted path.
struct QueryParameter {
  std::string name;
  // API names from the request down, dotted: "page.page_size".
  std::string field_path;
  const google::protobuf::FieldDescriptor* field = nullptr;
};

struct ApiRoute {
  // "GET", "POST", "PUT", "PATCH" or "DELETE".
  std::string http_method;
  // "/api/v1/events/{event_id}/registrations".
  std::string path;
  // The path's segments after the leading "/", with "{field}" kept as written.
  std::vector<std::string> segments;
  // The request fields named in the path, in order ("event_id", "settings.event_id").
  std::vector<std::string> path_fields;
  const google::protobuf::MethodDescriptor* method = nullptr;
  events::v1::HttpRoute option;
  // The rest of the request comes from a JSON body (POST, PUT, PATCH), or else from the
  // query string (GET, DELETE).
  bool has_body = false;
  // The answer is a file (a message with filename, content_type and content): served as a
  // download in its own content type, not as JSON.
  bool file_response = false;
  // The RPC streams its answer (a file in parts): the gateway joins them.
  bool server_streaming = false;
  // The query parameters (GET, DELETE), listed once when the routes are loaded: requests
  // look them up, they are not worked out again per request.
  std::vector<QueryParameter> query_parameters;
};

// The route's query_parameters.
const std::vector<QueryParameter>& QueryParameters(const ApiRoute& route);

// Request fields filled from headers, never from the address: the attendee's token (only
// here, so it is never in a URL that gets logged), the idempotency key, and the version an
// If-Match names ("\"7\"" for version 7).
struct HeaderBinding {
  const char* header;
  const char* field;
};
const std::vector<HeaderBinding>& HeaderBindings();

// The services the API fronts, by full name.
const std::vector<std::string>& ApiServices();

// Every RPC of `services` that has an (events.v1.http) option, in declaration order.
// INVALID_ARGUMENT naming the RPC and the rule when an option is wrong: an RPC with neither
// option or both, a method other than the five, a path not under "/api/v1/", a {field} that
// is not a singular string field of the request, two routes of one method that could match
// the same path, or a file answer that is not a file message.
absl::StatusOr<std::vector<ApiRoute>> LoadRoutes(const google::protobuf::DescriptorPool& pool,
                                                 const std::vector<std::string>& services);

// The routes of the services compiled into this program (the generated pool).
absl::StatusOr<std::vector<ApiRoute>> LoadCompiledRoutes();

}  // namespace events::web::api
