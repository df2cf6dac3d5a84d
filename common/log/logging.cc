#include "common/log/logging.h"

#include <grpc/support/log.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log/log_formatters.h"
#include "common/log/protobuf_log.h"
#include "common/util/mutex.h"

namespace events::logging {
namespace {

std::optional<spdlog::level::level_enum> ParseLevel(const std::string& name) {
  if (name == "trace") return spdlog::level::trace;
  if (name == "debug") return spdlog::level::debug;
  if (name == "info") return spdlog::level::info;
  if (name == "warn") return spdlog::level::warn;
  if (name == "error") return spdlog::level::err;
  return std::nullopt;
}

// gRPC may log from its own threads until the very end of the process, after static
// destructors have run, so the logger it writes to is deliberately never freed.
std::atomic<spdlog::logger*> grpc_logger{nullptr};

void LogFromGrpc(gpr_log_func_args* args) {
  spdlog::logger* logger = grpc_logger.load(std::memory_order_acquire);
  if (logger == nullptr) return;
  spdlog::level::level_enum level = spdlog::level::info;
  if (args->severity == GPR_LOG_SEVERITY_ERROR) level = spdlog::level::err;
  if (args->severity == GPR_LOG_SEVERITY_DEBUG) level = spdlog::level::debug;
  logger->log(level, "grpc: {} ({}:{})", args->message, args->file, args->line);
}

}  // namespace

absl::Status InitLogging(const LogOptions& options) {
  std::unique_ptr<spdlog::formatter> formatter;
  if (options.format == "json") {
    formatter = MakeJsonFormatter(options.service);
  } else if (options.format == "text") {
    formatter = MakeTextFormatter(options.service);
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("log format \"", options.format, "\" is unknown; use json or text"));
  }
  const std::optional<spdlog::level::level_enum> level = ParseLevel(options.level);
  if (!level) {
    return absl::InvalidArgumentError(absl::StrCat(
        "log level \"", options.level, "\" is unknown; use trace, debug, info, warn or error"));
  }

  auto logger = std::make_shared<spdlog::logger>(options.service,
                                                 std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_formatter(std::move(formatter));
  logger->set_level(*level);
  spdlog::set_default_logger(logger);

  {
    static Mutex mu;
    // Every logger gRPC was ever given, kept for the life of the process.
    static auto* kept = new std::vector<std::shared_ptr<spdlog::logger>>();
    MutexLock lock(&mu);
    kept->push_back(logger);
  }
  grpc_logger.store(logger.get(), std::memory_order_release);
  gpr_set_log_function(&LogFromGrpc);
  RouteProtobufLogs();
  return absl::OkStatus();
}

}  // namespace events::logging
