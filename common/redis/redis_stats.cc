// RedisStats: the client's counters, gauges and latency histograms, without a lock.

#include "common/redis/redis_stats.h"

#include <algorithm>
#include <functional>

namespace events::redis {

void LatencyHistogram::Observe(std::chrono::nanoseconds took) {
  const double seconds = std::chrono::duration<double>(took).count();
  const auto bucket = static_cast<size_t>(
      std::lower_bound(kBounds.begin(), kBounds.end(), seconds) - kBounds.begin());
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<uint64_t>(std::max<int64_t>(0, took.count())),
                    std::memory_order_relaxed);
}

LatencyHistogram::Snapshot LatencyHistogram::Read() const {
  Snapshot out;
  for (size_t i = 0; i < counts_.size(); ++i) {
    out.counts[i] = counts_[i].load(std::memory_order_relaxed);
    out.count += out.counts[i];
  }
  out.sum_seconds = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
  return out;
}

const char* RedisErrorKindName(RedisErrorKind kind) {
  switch (kind) {
    case RedisErrorKind::kConnection:
      return "connection";
    case RedisErrorKind::kTimeout:
      return "timeout";
    case RedisErrorKind::kScript:
      return "script";
    case RedisErrorKind::kRedirect:
      return "redirect";
    case RedisErrorKind::kAuth:
      return "auth";
    case RedisErrorKind::kOther:
      return "other";
  }
  return "other";
}

RedisErrorKind ErrorReplyKind(std::string_view error, bool from_script) {
  auto starts = [error](std::string_view prefix) {
    return error.substr(0, prefix.size()) == prefix;
  };
  if (starts("NOAUTH") || starts("WRONGPASS") || starts("NOPERM")) return RedisErrorKind::kAuth;
  if (starts("MOVED ") || starts("ASK ")) return RedisErrorKind::kRedirect;
  // Redis's own conditions, whatever the command: the script did not fail by itself.
  for (std::string_view prefix :
       {"LOADING", "BUSY", "MASTERDOWN", "READONLY", "TRYAGAIN", "CLUSTERDOWN", "OOM"}) {
    if (starts(prefix)) return RedisErrorKind::kOther;
  }
  return from_script ? RedisErrorKind::kScript : RedisErrorKind::kOther;
}

void RedisStats::CountError(RedisErrorKind kind) {
  errors_[static_cast<size_t>(kind)].fetch_add(1, std::memory_order_relaxed);
}

uint64_t RedisStats::errors(RedisErrorKind kind) const {
  return errors_[static_cast<size_t>(kind)].load(std::memory_order_relaxed);
}

void RedisStats::CountPoolWait(std::chrono::nanoseconds waited) {
  pool_waits_.fetch_add(1, std::memory_order_relaxed);
  pool_wait_.Observe(waited);
}

void RedisStats::ObserveScript(std::string_view name, std::chrono::nanoseconds took) {
  if (LatencyHistogram* latency = ScriptLatency(name)) latency->Observe(took);
}

LatencyHistogram* RedisStats::ScriptLatency(std::string_view name) {
  const size_t hash = std::hash<std::string_view>{}(name);
  for (size_t i = 0; i < kScriptSlots; ++i) {
    std::atomic<ScriptEntry*>& slot = scripts_[(hash + i) % kScriptSlots];
    ScriptEntry* entry = slot.load(std::memory_order_acquire);
    if (entry == nullptr) {
      MutexLock lock(&scripts_mu_);
      entry = slot.load(std::memory_order_acquire);
      if (entry == nullptr) {
        owned_.push_back(std::make_unique<ScriptEntry>(name));
        entry = owned_.back().get();
        slot.store(entry, std::memory_order_release);
      }
    }
    if (entry->name == name) return &entry->latency;
  }
  return nullptr;
}

std::vector<std::pair<std::string, LatencyHistogram::Snapshot>> RedisStats::scripts() const {
  std::vector<std::pair<std::string, LatencyHistogram::Snapshot>> out;
  for (const std::atomic<ScriptEntry*>& slot : scripts_) {
    const ScriptEntry* entry = slot.load(std::memory_order_acquire);
    if (entry != nullptr) out.emplace_back(entry->name, entry->latency.Read());
  }
  return out;
}

namespace {
int64_t SteadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

void RedisStats::RecordContact(bool ok) {
  (ok ? last_ok_ns_ : last_failure_ns_).store(SteadyNowNs(), std::memory_order_relaxed);
}

std::chrono::steady_clock::time_point RedisStats::last_ok() const {
  return std::chrono::steady_clock::time_point(
      std::chrono::nanoseconds(last_ok_ns_.load(std::memory_order_relaxed)));
}

bool RedisStats::UpSince(std::chrono::steady_clock::time_point since) const {
  const int64_t ok = last_ok_ns_.load(std::memory_order_relaxed);
  const int64_t failed = last_failure_ns_.load(std::memory_order_relaxed);
  const int64_t since_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(since.time_since_epoch()).count();
  return ok != 0 && ok >= failed && ok >= since_ns;
}

}  // namespace events::redis
