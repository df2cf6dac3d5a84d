#pragma once

#include <google/protobuf/message.h>
#include <google/protobuf/struct.pb.h>
#include <grpcpp/grpcpp.h>
#include <httplib.h>

#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "services/web/api/route_table.h"

// The two doors of one stack (tests/api/run.sh): the services' gRPC addresses and the web
// service's HTTP/JSON API, both called with the same request message, so a test can compare
// what each answers.
namespace events::api_test {

// What tests/api/run.sh puts in the environment. A missing variable fails the test that
// asks for it (the binary is meant to run under run.sh only).
std::string StackSetting(const char* name);
std::string WebUrl();

// "events.v1.SchedulingService.CreateEvent" or the short "SchedulingService.CreateEvent".
const google::protobuf::MethodDescriptor* FindMethod(absl::string_view name);
std::unique_ptr<google::protobuf::Message> NewMessage(const google::protobuf::Descriptor& type);

struct GrpcAnswer {
  grpc::Status status;
  // The answer; for a streamed file, the first part with every part's content joined.
  std::unique_ptr<google::protobuf::Message> message;
};
// Calls the RPC on its service's address with `key` as the bearer key ("" for none) and,
// when given, an x-forwarded-for address (the services trust the stack's loopback callers
// to name the visitor, as the web service does).
GrpcAnswer CallGrpc(const google::protobuf::MethodDescriptor& method,
                    const google::protobuf::Message& request, const std::string& key,
                    const std::string& forwarded_for = "");

struct HttpAnswer {
  int status = 0;  // 0: no answer (the connection failed)
  std::string body;
  httplib::Headers headers;
  std::string Header(const std::string& name) const;
};
// Sends one request to the web service. `target` is sent as given (no encoding added).
HttpAnswer SendHttp(const std::string& method, const std::string& target,
                    const httplib::Headers& headers, const std::string& body = "",
                    const std::string& content_type = "application/json");

// Sends `bytes` as they are on a new connection to the web service (for requests no
// client library would make: control characters, bare line feeds) and reads the answer
// until the server closes; the request should say "Connection: close".
HttpAnswer SendRaw(const std::string& bytes);

// The HTTP request the API documents for `request` on `route`: path fields in the path
// (percent-encoded), the rest in the query (GET, DELETE) or a JSON body, the token,
// idempotency key and expected version in their headers, the key as a bearer token. The
// body is `json_body` (API JSON as a client writes it, less the header-bound fields) or,
// when that is empty, the request printed by json_mapping.
struct HttpRequest {
  std::string method;
  std::string target;
  std::string body;
  httplib::Headers headers;
};
HttpRequest ToHttpRequest(const events::web::api::ApiRoute& route,
                          const google::protobuf::Message& request, const std::string& key,
                          const std::string& json_body = "");
HttpAnswer CallHttp(const events::web::api::ApiRoute& route,
                    const google::protobuf::Message& request, const std::string& key,
                    const std::string& json_body = "");

// Any JSON, parsed; false when it is not JSON.
bool ParseJson(const std::string& text, google::protobuf::Value& out);
// A string member of a JSON object ("" when absent or not a string).
std::string JsonString(const google::protobuf::Value& object, const std::string& name);

std::string PercentEncode(absl::string_view text);

}  // namespace events::api_test
