#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "common/util/mutex.h"

namespace events::redis {

// A latency histogram of fixed buckets that records without a lock (a few relaxed atomic
// adds), for the Redis client's hot path. Thread-safe.
class LatencyHistogram {
 public:
  // Upper bounds in seconds: 0.5 ms .. 2.5 s, then +Inf.
  static constexpr std::array<double, 12> kBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
  struct Snapshot {
    // Per bucket, not cumulative; the last is above every bound.
    std::array<uint64_t, kBounds.size() + 1> counts{};
    uint64_t count = 0;
    double sum_seconds = 0;
  };

  void Observe(std::chrono::nanoseconds took);
  // A consistent-enough copy for a scrape (buckets read one by one while others record).
  Snapshot Read() const;

 private:
  std::array<std::atomic<uint64_t>, kBounds.size() + 1> counts_{};
  std::atomic<uint64_t> sum_ns_{0};
};

// Why a Redis call failed, as events_redis_errors_total's `kind` label says it.
enum class RedisErrorKind {
  kConnection,  // could not connect, or the connection broke
  kTimeout,     // Redis did not answer in time, the caller's deadline passed, or no pooled
                // connection freed up in time
  kScript,      // a script's own error reply (its error() or redis.error_reply)
  kRedirect,    // MOVED/ASK that the client could not follow
  kAuth,        // NOAUTH, WRONGPASS, NOPERM: the credentials or the ACL said no
  kOther,       // any other error reply (WRONGTYPE, LOADING, BUSY, READONLY, CLUSTERDOWN...)
};
inline constexpr int kRedisErrorKinds = 6;
// "connection", "timeout", "script", "redirect", "auth", "other".
const char* RedisErrorKindName(RedisErrorKind kind);
// The kind of an error reply's text; `from_script` for replies to EVALSHA.
RedisErrorKind ErrorReplyKind(std::string_view error, bool from_script);

// What one RedisClient has done, counted since it was made: plain atomics and lock-free
// histograms, so the client needs no metrics library (common/metrics exports them to
// Prometheus). Recording is thread-safe and takes no lock, except the first call of a script
// name (a short one, once per name). Reading is thread-safe.
class RedisStats {
 public:
  RedisStats() = default;
  RedisStats(const RedisStats&) = delete;
  RedisStats& operator=(const RedisStats&) = delete;

  // --- recorded by the client ---
  void CountError(RedisErrorKind kind);
  // A caller found every pooled connection busy and waited `waited` (whether one freed up).
  void CountPoolWait(std::chrono::nanoseconds waited);
  // One EvalMany (or Eval) of script `name`, from the call to its answer.
  void ObserveScript(std::string_view name, std::chrono::nanoseconds took);
  // Pool gauges: a connection lent out (+1) or back (-1); one idle in a pool (+1) or taken
  // from it (-1).
  void AddInUse(int64_t delta) { in_use_.fetch_add(delta, std::memory_order_relaxed); }
  void AddIdle(int64_t delta) { idle_.fetch_add(delta, std::memory_order_relaxed); }
  // Redis answered a round trip (ok), or could not be reached or refused us (not ok).
  void RecordContact(bool ok);

  // --- read by the exporter ---
  uint64_t errors(RedisErrorKind kind) const;
  uint64_t pool_waits() const { return pool_waits_.load(std::memory_order_relaxed); }
  LatencyHistogram::Snapshot pool_wait_seconds() const { return pool_wait_.Read(); }
  // Every script name seen so far, with its latencies, in no particular order.
  std::vector<std::pair<std::string, LatencyHistogram::Snapshot>> scripts() const;
  int64_t in_use() const { return in_use_.load(std::memory_order_relaxed); }
  int64_t idle() const { return idle_.load(std::memory_order_relaxed); }
  // True when the latest contact with Redis succeeded and happened after `since`.
  bool UpSince(std::chrono::steady_clock::time_point since) const;
  // When Redis last answered; the epoch if never.
  std::chrono::steady_clock::time_point last_ok() const;

 private:
  struct ScriptEntry {
    explicit ScriptEntry(std::string_view n) : name(n) {}
    const std::string name;
    LatencyHistogram latency;
  };
  // More distinct script names than this are not recorded (a service has a few dozen).
  static constexpr size_t kScriptSlots = 512;
  // The entry of `name`, made on first use; nullptr when the table is full.
  LatencyHistogram* ScriptLatency(std::string_view name) ABSL_LOCKS_EXCLUDED(scripts_mu_);

  std::array<std::atomic<uint64_t>, kRedisErrorKinds> errors_{};
  std::atomic<uint64_t> pool_waits_{0};
  LatencyHistogram pool_wait_;
  std::atomic<int64_t> in_use_{0};
  std::atomic<int64_t> idle_{0};
  // steady_clock nanoseconds of the last successful and failed contact (0: none).
  std::atomic<int64_t> last_ok_ns_{0};
  std::atomic<int64_t> last_failure_ns_{0};
  // Open addressing by the name's hash; a slot, once set, never changes, so readers need
  // no lock.
  std::array<std::atomic<ScriptEntry*>, kScriptSlots> scripts_{};
  Mutex scripts_mu_;  // serialises inserts
  std::vector<std::unique_ptr<ScriptEntry>> owned_ ABSL_GUARDED_BY(scripts_mu_);
};

}  // namespace events::redis
