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

}  // namespace events::logging
