// loadgen: a load generator for the platform's gRPC services (Register, GetCapacity) and the
// bare gRPC baseline (EchoService). Closed loop (--mode concurrency) or open loop (--mode rate);
// see docs/benchmarks.md.
#include <grpcpp/channel.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "tools/loadgen/capacity_calls.h"
#include "tools/loadgen/echo_calls.h"
#include "tools/loadgen/load_options.h"
#include "tools/loadgen/load_runner.h"
#include "tools/loadgen/register_calls.h"
#include "tools/loadgen/report.h"

namespace {

using events::loadgen::LoadOptions;

// Waits until every channel has connected; false after `seconds`.
bool WaitConnected(const std::vector<std::shared_ptr<grpc::Channel>>& channels, int seconds) {
  const auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(seconds);
  for (const auto& channel : channels) {
    if (!channel->WaitForConnected(deadline)) return false;
  }
  return true;
}

// Writes the --record file: the header line, then one line per call.
bool WriteRecords(const std::string& path, const std::vector<std::string>& records) {
  std::ofstream out(path, std::ios::trunc);
  out << events::loadgen::kRecordHeader << '\n';
  for (const std::string& line : records) out << line << '\n';
  out.flush();
  return static_cast<bool>(out);
}

}  // namespace

int RunLoadgen(int argc, char** argv) {
  // As in every server (common/server/service_runner.cc): Debian's Abseil keeps a lock graph
  // for every absl::Mutex, which gRPC takes many of per call; the client shares the CPUs
  // with the servers it measures, so it should not spend them on a development aid.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  LoadOptions options;
  CLI::App app{
      "loadgen: drives a gRPC service with a fixed number of calls in flight (closed loop) or "
      "at a fixed rate (open loop), and reports throughput and latency percentiles."};
  std::string target = "echo";
  std::string mode = "concurrency";
  app.add_option("--target", target,
                 "register: RegistrationService.Register; capacity: RegistrationService."
                 "GetCapacity, with the API key in LOADGEN_API_KEY; echo: the EchoService "
                 "baseline")
      ->required()
      ->check(CLI::IsMember({"register", "capacity", "echo"}));
  app.add_option("--server", options.server,
                 "host:port, or several separated by commas (the channels take them in turn)")
      ->required();
  app.add_option("--event-id", options.event_id,
                 "The event to register for (register; several separated by commas share the "
                 "calls in turn) or to read (capacity)");
  app.add_option("--mode", mode,
                 "concurrency: keep N calls in flight; rate: start R calls per second")
      ->check(CLI::IsMember({"concurrency", "rate"}))
      ->capture_default_str();
  app.add_option("--concurrency", options.concurrency, "Calls in flight (concurrency mode)")
      ->capture_default_str();
  app.add_option("--rate", options.rate, "Calls started per second (rate mode)");
  app.add_option("--duration", options.duration_seconds,
                 "Seconds measured after the warm-up (0: until --requests are made)")
      ->capture_default_str();
  app.add_option("--warmup", options.warmup_seconds, "Seconds of calls not measured first")
      ->capture_default_str();
  app.add_option("--requests", options.requests,
                 "Stop after this many calls, warm-up included (0: no limit)")
      ->capture_default_str();
  app.add_option("--email-prefix", options.email_prefix,
                 "Register e-mails are PREFIX-<run id>-<n>@bench.example.org")
      ->capture_default_str();
  app.add_option("--channels", options.channels, "Separate connections to the server")
      ->capture_default_str();
  app.add_option("--threads", options.threads, "Completion-queue threads")->capture_default_str();
  app.add_option("--timeout-ms", options.timeout_ms, "Deadline of each call")
      ->capture_default_str();
  app.add_option("--max-in-flight", options.max_in_flight,
                 "Rate mode: the most calls in flight (the schedule waits beyond it)")
      ->capture_default_str();
  app.add_option("--record", options.record_path,
                 "Write one line per finished call here (tab-separated: times, code, and for "
                 "register the e-mail, registration id, status and waiting-list position)");
  app.add_flag("--json", options.json,
               "Print one line of JSON on stdout (the summary goes to stderr)");
  CLI11_PARSE(app, argc, argv);
  options.target = target == "register"   ? events::loadgen::Target::kRegister
                   : target == "capacity" ? events::loadgen::Target::kCapacity
                                          : events::loadgen::Target::kEcho;
  if (const char* key = std::getenv("LOADGEN_API_KEY"); key != nullptr) options.api_key = key;
  options.mode =
      mode == "rate" ? events::loadgen::Mode::kRate : events::loadgen::Mode::kConcurrency;

  if (absl::Status s = events::loadgen::ValidateOptions(options); !s.ok()) {
    std::fprintf(stderr, "loadgen: %s\n", std::string(s.message()).c_str());
    return 2;
  }
  const auto channels = events::loadgen::MakeChannels(options.server, options.channels);
  if (!WaitConnected(channels, 10)) {
    std::fprintf(stderr, "loadgen: cannot connect to %s within 10 s; is the server running?\n",
                 options.server.c_str());
    return 1;
  }
  std::unique_ptr<events::loadgen::CallFactory> factory;
  if (options.target == events::loadgen::Target::kRegister) {
    factory = std::make_unique<events::loadgen::RegisterCalls>(
        channels, events::loadgen::SplitList(options.event_id), options.email_prefix,
        events::loadgen::NewRunId());
  } else if (options.target == events::loadgen::Target::kCapacity) {
    factory = std::make_unique<events::loadgen::CapacityCalls>(channels, options.event_id,
                                                               options.api_key);
  } else {
    factory = std::make_unique<events::loadgen::EchoCalls>(channels);
  }
  events::loadgen::LoadRunner runner(options, *factory);
  const events::loadgen::LoadResult result = runner.Run();

  if (!options.record_path.empty() && !WriteRecords(options.record_path, result.records)) {
    std::fprintf(stderr, "loadgen: cannot write %s\n", options.record_path.c_str());
    return 1;
  }
  const std::string summary = events::loadgen::FormatSummary(options, result);
  if (options.json) {
    std::fputs(summary.c_str(), stderr);
    std::printf("%s\n", events::loadgen::FormatJson(options, result).c_str());
  } else {
    std::fputs(summary.c_str(), stdout);
  }
  // Exit 1 only when nothing at all succeeded: a run with some errors still reports them.
  return result.calls > 0 && result.total_errors() == result.calls ? 1 : 0;
}

int main(int argc, char** argv) {
  // A thread that cannot start, or memory that runs out, ends the run with a message and
  // exit code 1 instead of std::terminate's abort.
  try {
    return RunLoadgen(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "loadgen: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "loadgen: an unknown exception\n");
  }
  return 1;
}
