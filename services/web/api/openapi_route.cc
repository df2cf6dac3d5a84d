#include "services/web/api/openapi_route.h"

#include <string>

#include "services/web/api/openapi_embedded.h"
#include "services/web/http/web_server.h"

namespace events::web::api {

absl::string_view OpenApiJson() {
  // The table has the one file (services/web/CMakeLists.txt).
  return {generated::kEmbeddedFiles[0].text, generated::kEmbeddedFiles[0].size};
}

void AddOpenApiRoute(WebServer& server) {
  server.Route("GET", "/api/v1/openapi.json", [](const Request&) {
    Response out;
    out.content_type = "application/json";
    out.body = std::string(OpenApiJson());
    // Changes only with a new build: caches may keep it, asking again each time.
    out.caching = Caching::kRevalidate;
    return out;
  });
}

}  // namespace events::web::api
