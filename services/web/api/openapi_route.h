#pragma once

#include "absl/strings/string_view.h"

namespace events::web {
class WebServer;
}  // namespace events::web

// GET /api/v1/openapi.json: the API's OpenAPI 3.1 document (docs/api.md), generated from
// the protos when the service was built and embedded in the binary, so it describes exactly
// the API this binary serves.
namespace events::web::api {

// The embedded document's JSON text.
absl::string_view OpenApiJson();

// Adds the route to `server` (before Bind). Anyone may read the document: it holds no data.
void AddOpenApiRoute(WebServer& server);

}  // namespace events::web::api
