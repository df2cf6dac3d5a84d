#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "services/web/http/web_server.h"

// The HTTP/JSON API under /api/v1 (docs/api.md): one route per annotated RPC, read from
// the descriptors, each a thin handler that builds the request (transcoder.h), calls the
// service with the caller's own Authorization (grpc_caller.h), and answers JSON, a file or
// a problem document (problem.h).
namespace events::web::api {

struct ApiOptions {
  // Service full name -> "host:port".
  std::map<std::string, std::string> addresses;
  std::chrono::milliseconds deadline{10000};
  size_t max_body_bytes = size_t{256} * 1024;
  // Origins (scheme://host[:port]) whose browsers may call the API; none by default: API
  // keys are for machines, not for pages.
  std::vector<std::string> cors_origins;
};

// Adds every route; INVALID_ARGUMENT when the protos' options are wrong (route_table.h).
absl::Status AddApiRoutes(WebServer& server, const ApiOptions& options);

// The problem document for what the server answers itself under /api/ (404 for an unknown
// path, 413 for a body too large, 400 for a request it cannot parse).
Response ApiErrorResponse(int status, const Request& request);

// True for a request under /api/.
bool IsApiRequest(const Request& request);

}  // namespace events::web::api
