#include "common/log/protobuf_log.h"

#include <google/protobuf/stubs/logging.h>
#include <spdlog/spdlog.h>

#include <utility>

namespace events::logging {
namespace {

thread_local std::string parse_problem;

bool IsParseProblem(const std::string& message) {
  return message.find("parsing a protocol buffer") != std::string::npos;
}

void LogFromProtobuf(google::protobuf::LogLevel level, const char* filename, int line,
                     const std::string& message) {
  if (IsParseProblem(message)) {
    parse_problem = message;
    spdlog::debug("protobuf: {}", message);
    return;
  }
  spdlog::level::level_enum to = spdlog::level::info;
  if (level == google::protobuf::LOGLEVEL_WARNING) to = spdlog::level::warn;
  if (level == google::protobuf::LOGLEVEL_ERROR) to = spdlog::level::err;
  if (level == google::protobuf::LOGLEVEL_FATAL) to = spdlog::level::critical;
  spdlog::log(to, "protobuf: {} ({}:{})", message, filename, line);
}

}  // namespace

void RouteProtobufLogs() { google::protobuf::SetLogHandler(&LogFromProtobuf); }

std::string TakeParseProblem() { return std::exchange(parse_problem, std::string()); }

std::string UndecodableRequestMessage(const std::string& what, const std::string& problem) {
  std::string message = "the request is not a valid " + what;
  if (!problem.empty()) return message + ": " + problem;
  return message + " (check that the client uses the same .proto files as the server)";
}

}  // namespace events::logging
