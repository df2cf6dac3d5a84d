#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/web/http/web_server.h"

// The API's errors: application/problem+json documents (RFC 9457) carrying the gRPC code
// and message, with the HTTP status google/rpc/code.proto gives each code.
namespace events::web::api {

// 400 for INVALID_ARGUMENT, 404 for NOT_FOUND, 429 for RESOURCE_EXHAUSTED...
int HttpStatusOf(absl::StatusCode code);

// {"type", "title", "status", "detail", "code", "request_id"}. `http_status` 0 takes
// HttpStatusOf(code).
Response Problem(absl::StatusCode code, absl::string_view detail, const Request& request,
                 int http_status = 0);
// For what the gateway answers itself with no gRPC call (403, 404, 405, 413, 415): the code
// is the nearest gRPC one (PERMISSION_DENIED, NOT_FOUND, UNIMPLEMENTED, RESOURCE_EXHAUSTED,
// INVALID_ARGUMENT).
Response HttpProblem(int http_status, absl::string_view detail, const Request& request);

}  // namespace events::web::api
