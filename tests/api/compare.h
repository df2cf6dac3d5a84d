#pragma once

#include <string>
#include <vector>

#include "services/web/api/route_table.h"
#include "tests/api/api_client.h"

// What the gateway must answer for what the service answered (docs/api.md, "Errors" and
// "JSON"): the HTTP status of the gRPC code, a problem document carrying the code (and the
// message), and for a success the same message, read back from the JSON by json_mapping's
// rules.
namespace events::api_test {

// "INVALID_ARGUMENT" for grpc::StatusCode::INVALID_ARGUMENT.
std::string CodeName(grpc::StatusCode code);
// The HTTP status for a gRPC code (412 for ABORTED when the request sent If-Match).
int HttpStatusFor(grpc::StatusCode code, bool sent_if_match);

struct Expectation {
  bool sent_if_match = false;
  // Compare the problem's "detail" with the gRPC message (reads: the same call twice).
  bool same_detail = true;
  // Fields (by name, at any depth) that may differ between the answers.
  std::vector<std::string> differ;
  // Writes on twins: every time (<x>_unix_ms) may differ too.
  bool differ_in_times = false;
};

// "" when `http` is what the gateway must answer for `grpc`; else what differs.
std::string Difference(const events::web::api::ApiRoute& route, const GrpcAnswer& grpc,
                       const HttpAnswer& http, const Expectation& expect);

// "" when `http` is a problem document (application/problem+json) with this status, whose
// "code" is `code` (any when empty) and whose "detail" names `mention` (when not empty);
// else what is wrong.
std::string ProblemDifference(const HttpAnswer& http, int status, const std::string& code,
                              const std::string& mention = "");

}  // namespace events::api_test
