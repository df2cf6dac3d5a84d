#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace events::loadgen {

enum class Target { kRegister, kEcho, kCapacity };
enum class Mode {
  // Closed loop: keeps `concurrency` calls in flight; a new one starts when one ends.
  kConcurrency,
  // Open loop: starts calls at `rate` per second on a fixed schedule, whatever the answers;
  // latency counts from the scheduled start, so a stalled server shows up in full.
  kRate,
};

struct LoadOptions {
  Target target = Target::kEcho;
  // host:port, or several separated by commas: the channels take them in turn.
  std::string server;
  // Register and GetCapacity; Register also takes several separated by commas.
  std::string event_id;
  // GetCapacity: the organiser's API key. main() reads it from LOADGEN_API_KEY, never
  // from a flag: a command line shows in `ps` to every user of the machine.
  std::string api_key;
  Mode mode = Mode::kConcurrency;
  int concurrency = 16;
  double rate = 0;  // calls per second (rate mode)
  // Measured time after the warm-up; 0 means no time limit (then `requests` must be set).
  double duration_seconds = 10;
  // Calls started in the warm-up are made but left out of latency and throughput.
  double warmup_seconds = 0;
  // Stop after starting this many calls in all (warm-up included); 0 means no limit.
  int64_t requests = 0;
  // Register e-mails are <prefix>-<run id>-<n>@bench.example.org, unique across runs.
  std::string email_prefix = "bench";
  // Separate HTTP/2 connections to the server; calls are spread over them in turn.
  int channels = 4;
  // Completion-queue threads (one queue each).
  int threads = 2;
  // Deadline of each call.
  int timeout_ms = 10000;
  // Rate mode: the most calls in flight; the schedule waits beyond that (latency still
  // counts from the scheduled start, so nothing is hidden).
  int max_in_flight = 20000;
  bool json = false;
  // When set: one line per finished call is written to this file (see kRecordHeader).
  std::string record_path;
};

// OK when the options make a run; otherwise INVALID_ARGUMENT naming the flag and its rule.
absl::Status ValidateOptions(const LoadOptions& options);

// A comma-separated list (--server, --event-id) as its items, empty ones left out.
std::vector<std::string> SplitList(const std::string& list);

const char* TargetName(Target target);
const char* ModeName(Mode mode);

}  // namespace events::loadgen
