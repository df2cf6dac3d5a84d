#include "tools/loadgen/load_runner.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/util/mutex.h"

namespace events::loadgen {
namespace {

using Clock = std::chrono::steady_clock;

// User plus system CPU time of this process so far.
double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

int64_t Micros(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
}

Clock::duration Seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

// What one completion-queue thread saw; merged after the run, so no locking.
struct ThreadStats {
  LatencyHistogram latency;
  int64_t calls = 0;
  int64_t warmup_calls = 0;
  int64_t measured_ok = 0;
  int64_t measured_errors = 0;
  Clock::time_point last_measured_end{};
  std::array<int64_t, kAnswerCount> answers{};
  std::map<std::string, int64_t> errors;
  std::vector<std::string> records;
};

int64_t UnixMillis(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// One --record line (kRecordHeader) for a finished call.
std::string RecordLine(uint64_t sequence, const PendingCall& call,
                       std::chrono::system_clock::time_point ended) {
  std::string message = call.status.error_message();
  std::replace_if(
      message.begin(), message.end(), [](char c) { return c == '\t' || c == '\n'; }, ' ');
  return absl::StrCat(
      sequence, "\t", UnixMillis(call.sent_at), "\t", UnixMillis(ended), "\t",
      UnixMillis(call.deadline), "\t",
      absl::StatusCodeToString(static_cast<absl::StatusCode>(call.status.error_code())), "\t",
      message, "\t", call.RecordFields());
}

}  // namespace

int64_t LoadResult::total_errors() const {
  int64_t n = 0;
  for (const auto& [code, count] : errors) n += count;
  return n;
}

double LoadResult::OkPerSecond() const {
  return measured_seconds > 0 ? static_cast<double>(measured_ok) / measured_seconds : 0.0;
}

std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const std::string& server, int channels) {
  const std::vector<std::string> servers = SplitList(server);
  std::vector<std::shared_ptr<grpc::Channel>> out;
  for (int i = 0; i < channels; ++i) {
    grpc::ChannelArguments args;
    // Channels with equal arguments may share a subchannel (one TCP connection); a
    // local pool and a distinct argument give each its own.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("events.loadgen.channel", i);
    out.push_back(grpc::CreateCustomChannel(servers[static_cast<size_t>(i) % servers.size()],
                                            grpc::InsecureChannelCredentials(), args));
  }
  return out;
}

class LoadRunner::State {
 public:
  State(const LoadOptions& options, CallFactory& factory)
      : options_(options), factory_(factory), stats_(options.threads) {
    for (int i = 0; i < options.threads; ++i) {
      queues_.push_back(std::make_unique<grpc::CompletionQueue>());
    }
  }

  LoadResult Run() {
    const double cpu_before = ProcessCpuSeconds();
    start_ = Clock::now();
    measure_start_ = start_ + Seconds(options_.warmup_seconds);
    measure_end_ = options_.duration_seconds > 0
                       ? measure_start_ + Seconds(options_.duration_seconds)
                       : Clock::time_point::max();
    std::vector<std::thread> threads;
    threads.reserve(static_cast<size_t>(std::max(0, options_.threads)));
    for (int i = 0; i < options_.threads; ++i) threads.emplace_back([this, i] { Poll(i); });

    if (options_.mode == Mode::kConcurrency) {
      for (int i = 0; i < options_.concurrency; ++i) {
        if (!StartIfAllowed(i % options_.threads)) break;
      }
    } else {
      Pace();
    }
    // Nothing more will start once in_flight_ reaches 0: in closed loop a call that ends
    // starts its successor before it stops counting, so 0 means the run is over.
    {
      MutexLock lock(&done_mu_);
      while (in_flight_.load() != 0) done_cv_.Wait(&done_mu_);
    }
    for (auto& queue : queues_) queue->Shutdown();
    for (auto& thread : threads) thread.join();
    LoadResult result = Merge();
    result.client_cpu_seconds = ProcessCpuSeconds() - cpu_before;
    return result;
  }

 private:
  // Takes the next call number, or returns false when the run has made all its calls.
  bool Claim(uint64_t& sequence) {
    if (options_.requests > 0 && sent_.load() >= static_cast<uint64_t>(options_.requests)) {
      return false;
    }
    sequence = sent_.fetch_add(1);
    return options_.requests == 0 || sequence < static_cast<uint64_t>(options_.requests);
  }

  // Closed loop: starts a call now unless the run is over (time or number of calls).
  bool StartIfAllowed(int queue_index) {
    const Clock::time_point now = Clock::now();
    uint64_t sequence = 0;
    if (now >= measure_end_ || !Claim(sequence)) return false;
    StartCall(sequence, queue_index, now);
    return true;
  }

  void StartCall(uint64_t sequence, int queue_index, Clock::time_point intended) {
    std::unique_ptr<PendingCall> call =
        factory_.Make(sequence, static_cast<int>(sequence % options_.channels));
    call->intended_start = intended;
    call->queue_index = queue_index;
    call->sequence = sequence;
    call->sent_at = std::chrono::system_clock::now();
    call->deadline = call->sent_at + std::chrono::milliseconds(options_.timeout_ms);
    call->context.set_deadline(call->deadline);
    in_flight_.fetch_add(1);
    // From here the queue's thread owns the call; it waits for start_mu before reading it.
    PendingCall* started = call.release();
    MutexLock lock(&started->start_mu);
    started->StartOn(queues_[queue_index].get());
  }

  // Open loop: call i is due at start + i / rate, whatever happened to earlier calls. A
  // sender that falls behind sends at once (its latency still counts from the due time).
  void Pace() {
    const double interval_ns = 1e9 / options_.rate;
    for (uint64_t i = 0;; ++i) {
      const Clock::time_point due =
          start_ + std::chrono::nanoseconds(std::llround(static_cast<double>(i) * interval_ns));
      uint64_t sequence = 0;
      if (due >= measure_end_ || !Claim(sequence)) break;
      if (Clock::now() < due) std::this_thread::sleep_until(due);
      while (in_flight_.load() >= options_.max_in_flight) {
        std::this_thread::sleep_for(std::chrono::microseconds(50));
      }
      max_send_lag_us_ = std::max(max_send_lag_us_, Micros(Clock::now() - due));
      StartCall(sequence, static_cast<int>(sequence % options_.threads), due);
    }
  }

  // One completion-queue thread: records each ended call and, in closed loop, starts the
  // next one on the same queue.
  void Poll(int queue_index) {
    ThreadStats& stats = stats_[queue_index];
    grpc::CompletionQueue& queue = *queues_[queue_index];
    void* tag = nullptr;
    bool ok = false;
    while (queue.Next(&tag, &ok)) {
      std::unique_ptr<PendingCall> call(static_cast<PendingCall*>(tag));
      { MutexLock started(&call->start_mu); }  // StartOn has returned (call_factory.h)
      const Clock::time_point end = Clock::now();
      Record(*call, end, stats);
      call.reset();
      if (options_.mode == Mode::kConcurrency) StartIfAllowed(queue_index);
      if (in_flight_.fetch_sub(1) == 1) {
        MutexLock lock(&done_mu_);
        done_cv_.SignalAll();
      }
    }
  }

  void Record(const PendingCall& call, Clock::time_point end, ThreadStats& stats) {
    ++stats.calls;
    const bool measured =
        call.intended_start >= measure_start_ && call.intended_start < measure_end_;
    if (call.intended_start < measure_start_) ++stats.warmup_calls;
    if (!options_.record_path.empty()) {
      stats.records.push_back(RecordLine(call.sequence, call, std::chrono::system_clock::now()));
    }
    if (call.status.ok()) {
      ++stats.answers[static_cast<int>(call.Read())];
    } else {
      ++stats.errors[absl::StatusCodeToString(
          static_cast<absl::StatusCode>(call.status.error_code()))];
    }
    if (!measured) return;
    stats.last_measured_end = std::max(stats.last_measured_end, end);
    if (call.status.ok()) {
      ++stats.measured_ok;
      stats.latency.Record(Micros(end - call.intended_start));
    } else {
      ++stats.measured_errors;
    }
  }

  LoadResult Merge() const {
    LoadResult result;
    Clock::time_point last_end = measure_start_;
    for (const ThreadStats& s : stats_) {
      result.calls += s.calls;
      result.warmup_calls += s.warmup_calls;
      result.measured_ok += s.measured_ok;
      result.measured_errors += s.measured_errors;
      result.latency.Merge(s.latency);
      for (int i = 0; i < kAnswerCount; ++i) result.answers[i] += s.answers[i];
      for (const auto& [code, n] : s.errors) result.errors[code] += n;
      result.records.insert(result.records.end(), s.records.begin(), s.records.end());
      last_end = std::max(last_end, s.last_measured_end);
    }
    result.measured_seconds = std::chrono::duration<double>(last_end - measure_start_).count();
    result.max_send_lag_us = max_send_lag_us_;
    return result;
  }

  const LoadOptions options_;
  CallFactory& factory_;
  std::vector<std::unique_ptr<grpc::CompletionQueue>> queues_;
  // One per queue, touched only by that queue's thread until Merge.
  std::vector<ThreadStats> stats_;
  Clock::time_point start_, measure_start_, measure_end_;
  std::atomic<uint64_t> sent_{0};
  std::atomic<int64_t> in_flight_{0};
  // Only for done_cv_, so the last call's wake-up cannot slip between Run's check of
  // in_flight_ and its wait.
  Mutex done_mu_;
  CondVar done_cv_;
  int64_t max_send_lag_us_ = 0;  // written by the pacing thread only
};

LoadRunner::LoadRunner(const LoadOptions& options, CallFactory& factory)
    : state_(std::make_unique<State>(options, factory)) {}

LoadRunner::~LoadRunner() = default;

LoadResult LoadRunner::Run() { return state_->Run(); }

}  // namespace events::loadgen
