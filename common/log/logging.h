#pragma once

#include <string>

#include "absl/status/status.h"

namespace events::logging {

struct LogOptions {
  std::string service;
  std::string format = "json";  // "json" or "text"
  std::string level = "info";   // trace, debug, info, warn or error
};

// Replaces spdlog's default logger with one writing `options.format` lines to stderr (flushed
// per line, so nothing is lost when a container is killed), and routes gRPC's and protobuf's own
// log output through it so every line on stderr has the same shape. INVALID_ARGUMENT naming the
// option if format or level is unknown; the previous logger is kept then. Call from main before
// starting threads that log; calling again replaces the logger.
absl::Status InitLogging(const LogOptions& options);

}  // namespace events::logging
