#pragma once

#include <string>

namespace events::logging {

// Sends protobuf's own log messages through spdlog, so that every line a service writes
// has the same shape. A message about a request that could not be parsed (a string field
// holding invalid UTF-8, say) is the client's mistake: it is logged at debug only and kept
// for the thread that parsed it, to be told to the client (TakeParseProblem).
// Called by InitLogging; safe to call again.
void RouteProtobufLogs();

// The last parse problem protobuf reported on this thread since the last call, or "" if
// none; clears it. gRPC parses a request on the thread that then runs the server's
// interceptors for it, so the observability interceptor can name the problem in the
// INVALID_ARGUMENT it answers with.
std::string TakeParseProblem();

// What to tell a client whose request bytes did not parse as `what` ("events.v1.X", or a
// description of the method's type): "the request is not a valid <what>" and `problem`
// (from TakeParseProblem), or a hint about mismatched .proto files when there is none.
std::string UndecodableRequestMessage(const std::string& what, const std::string& problem);

}  // namespace events::logging
