// web_openapi DESCRIPTOR_SET OUTPUT: writes the API's OpenAPI document (openapi.h) from
// protoc's descriptor set of the protos (--include_imports --include_source_info, so the
// protos' comments become the descriptions). The build runs it whenever a proto changes,
// and embeds OUTPUT into the web service (services/web/CMakeLists.txt).
#include <google/protobuf/descriptor.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "services/web/api/openapi.h"
#include "services/web/api/route_table.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s DESCRIPTOR_SET OUTPUT\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  if (!in) {
    std::fprintf(stderr, "web_openapi: cannot read %s\n", argv[1]);
    return 1;
  }
  google::protobuf::DescriptorPool pool;
  if (absl::Status added = events::web::api::AddDescriptorSet(bytes.str(), pool); !added.ok()) {
    std::fprintf(stderr, "web_openapi: %s: %s\n", argv[1], added.ToString().c_str());
    return 1;
  }
  auto routes = events::web::api::LoadRoutes(pool, events::web::api::ApiServices());
  if (!routes.ok()) {
    std::fprintf(stderr, "web_openapi: %s\n", routes.status().ToString().c_str());
    return 1;
  }
  if (routes->empty()) {
    // Options that did not come through would leave an empty API, not an error.
    std::fprintf(stderr, "web_openapi: %s has no (events.v1.http) routes\n", argv[1]);
    return 1;
  }
  std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
  out << events::web::api::OpenApiDocument(*routes);
  out.close();
  if (!out) {
    std::fprintf(stderr, "web_openapi: cannot write %s\n", argv[2]);
    return 1;
  }
  return 0;
}
