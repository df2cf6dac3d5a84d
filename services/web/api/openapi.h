#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/web/api/route_table.h"

namespace google::protobuf {
class DescriptorPool;
}  // namespace google::protobuf

// The API's OpenAPI 3.1 document (docs/api.md, "The OpenAPI document"), generated from the
// same descriptors and routes as the gateway, so the document cannot drift from what is
// served. The build writes it with web_openapi (openapi_main.cc) from protoc's descriptor
// set, which carries the protos' comments; the web service serves that file as it is.
namespace events::web::api {

// Adds the files of a serialized FileDescriptorSet (protoc --include_imports
// --include_source_info) to `pool`, comments included. The (events.v1.http) options come
// through because this program links their generated extension (events_protos), which the
// parser of the set's options knows. INVALID_ARGUMENT when `bytes` is not a descriptor set
// or a file does not build (naming it).
absl::Status AddDescriptorSet(absl::string_view bytes, google::protobuf::DescriptorPool& pool);

// The document for `routes` (LoadRoutes), as JSON text: the same text for the same protos
// (objects in a fixed order, schemas sorted by name), so the build is reproducible.
// Descriptions come from the protos' comments when the routes' pool has them.
std::string OpenApiDocument(const std::vector<ApiRoute>& routes);

// The route's path in the document: its path template with each parameter named by its
// field's own name ("{settings.event_id}" is "{event_id}") unless two of the path's would
// share one. Routes that differ only in parameter names thus share one path, as OpenAPI
// requires; the gateway fills path fields by position, so both name the same thing.
std::string OpenApiPath(const ApiRoute& route);

// The content types of a file answer (a download), by the answer's message: CSV exports,
// calendar files, the feedback report as JSON. application/octet-stream for a file message
// not listed here.
std::vector<std::string> FileContentTypes(const ApiRoute& route);

}  // namespace events::web::api
