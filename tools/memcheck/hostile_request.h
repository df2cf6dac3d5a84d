#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace events::memcheck {

// The shapes of request that cost a server the most memory per byte received.
enum class Shape {
  // Empty length-delimited fields the server's .proto does not know: protobuf keeps each as
  // a separately allocated string in the message's unknown fields.
  kUnknown,
  // Empty elements of the request's first repeated message field (an object each).
  kRepeated,
};

// Builds a request of about `bytes` bytes, of `shape`, for `method` ("/events.v1.X/Y", a
// method of a service compiled into this binary). kRepeated falls back to kUnknown when the
// request type has no repeated message field. NOT_FOUND for an unknown method.
absl::StatusOr<std::string> HostileRequest(const std::string& method, Shape shape, size_t bytes);

}  // namespace events::memcheck
