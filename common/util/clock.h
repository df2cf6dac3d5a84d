#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace events {

// The time source. Injected everywhere so tests control "now". Thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch (UTC).
  virtual int64_t NowUnixMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowUnixMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock that only moves when told to.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t now_unix_ms) : now_(now_unix_ms) {}
  int64_t NowUnixMs() const override { return now_.load(); }
  void Set(int64_t now_unix_ms) { now_.store(now_unix_ms); }
  void Advance(int64_t ms) { now_.fetch_add(ms); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace events
