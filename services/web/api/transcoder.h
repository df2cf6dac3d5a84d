#pragma once

#include "absl/status/status.h"
#include "services/web/api/route_table.h"
#include "services/web/http/web_server.h"

namespace google::protobuf {
class Message;
}

// From an HTTP request to the RPC's request message, by the route's rules (docs/api.md,
// "Requests"): path parameters, then the query string (GET, DELETE) or the JSON body (POST,
// PUT, PATCH), then the headers that carry fields (route_table.h, HeaderBindings).
namespace events::web::api {

// INVALID_ARGUMENT naming the parameter, field or header and the rule; the gateway answers
// it as a 400 problem without calling the service.
absl::Status BuildRequest(const ApiRoute& route, const Request& http,
                          google::protobuf::Message& request);

// The version an If-Match names: "\"7\"" (or 7) is 7. INVALID_ARGUMENT otherwise.
absl::StatusOr<int64_t> ParseIfMatch(absl::string_view value);

// True for a header value the gateway passes on: printable ASCII (and spaces), at most
// 1024 bytes. Anything else could not be gRPC metadata, or is an injection attempt.
bool IsPlainHeaderValue(absl::string_view value);

}  // namespace events::web::api
