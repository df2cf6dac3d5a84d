#pragma once

#include <grpcpp/channel.h>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tools/loadgen/call_factory.h"
#include "tools/loadgen/latency_histogram.h"
#include "tools/loadgen/load_options.h"

namespace events::loadgen {

// What a run measured. "Measured" calls are those meant to start after the warm-up and
// before the end of the duration; latency and throughput count only them. Answers and
// errors count every call, warm-up included (a burst check wants all of them).
struct LoadResult {
  int64_t calls = 0;            // finished calls, all phases
  int64_t warmup_calls = 0;     // of which started in the warm-up
  int64_t measured_ok = 0;      // measured calls answered OK
  int64_t measured_errors = 0;  // measured calls that failed
  // From the end of the warm-up to the last measured call's answer.
  double measured_seconds = 0;
  // Measured OK calls only, in microseconds from the intended start.
  LatencyHistogram latency;
  std::array<int64_t, kAnswerCount> answers{};
  // Failed calls by gRPC code name ("UNAVAILABLE"), all phases.
  std::map<std::string, int64_t> errors;
  // Rate mode: how far behind its schedule the sender fell at worst, in microseconds.
  int64_t max_send_lag_us = 0;
  // CPU time (user + system) this process used during the run, warm-up included: what
  // the client itself took from the machine.
  double client_cpu_seconds = 0;
  // With LoadOptions::record_path: one line per finished call (kRecordHeader), in no
  // particular order.
  std::vector<std::string> records;

  int64_t answer(Answer a) const { return answers[static_cast<int>(a)]; }
  int64_t total_errors() const;
  // Measured OK calls per second; 0 when nothing was measured.
  double OkPerSecond() const;
};

// The first line of a --record file: the columns of every line after it, tab-separated.
// Times are unix milliseconds; code is the gRPC code name (OK when answered); the rest is
// PendingCall::RecordFields.
inline constexpr char kRecordHeader[] =
    "#sequence\tsent_ms\tended_ms\tdeadline_ms\tcode\tmessage\temail\tid\tstatus\tposition";

// `channels` separate connections, told apart by a channel argument so gRPC does not share
// one connection between them; with several servers (comma-separated), channel i goes to
// server i modulo their number.
std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const std::string& server, int channels);

// Drives one run: closed loop (keep N in flight) or open loop (fixed rate), on
// `options.threads` completion queues. Run() blocks until every call it started has ended.
class LoadRunner {
 public:
  // `factory` must outlive the runner; its channel indexes run 0..options.channels-1.
  LoadRunner(const LoadOptions& options, CallFactory& factory);
  ~LoadRunner();
  LoadRunner(const LoadRunner&) = delete;
  LoadRunner& operator=(const LoadRunner&) = delete;

  // Call once.
  LoadResult Run();

 private:
  class State;
  std::unique_ptr<State> state_;
};

}  // namespace events::loadgen
