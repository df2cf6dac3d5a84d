#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace events::rpc {

// Bytes of requests a server holds at once (received, parsed and not yet answered), for the
// calls gRPC's handler-thread limit does not cover (callback-API methods, which gRPC parses
// on its own threads and which then wait for Redis). A request of N bytes can cost protobuf
// up to ~75 N once parsed, so a budget of B bytes bounds that memory at ~75 B whatever the
// number of clients. Thread-safe, lock-free.
class RequestBudget {
 public:
  // Holds `bytes` of the budget until destroyed or moved from.
  class Permit {
   public:
    Permit(Permit&& other) noexcept : budget_(other.budget_), bytes_(other.bytes_) {
      other.budget_ = nullptr;
    }
    Permit& operator=(Permit&&) = delete;
    Permit(const Permit&) = delete;
    ~Permit() {
      if (budget_ != nullptr) budget_->used_.fetch_sub(bytes_);
    }

   private:
    friend class RequestBudget;
    Permit(RequestBudget* budget, int64_t bytes) : budget_(budget), bytes_(bytes) {}
    RequestBudget* budget_;
    int64_t bytes_;
  };

  explicit RequestBudget(int64_t bytes) : limit_(bytes) {}

  // A permit for a request of `bytes`, or nullopt when it would take the bytes held past the
  // budget (the caller answers RESOURCE_EXHAUSTED: a retry shortly will likely succeed).
  // A request larger than the whole budget is let in only when nothing else is held.
  std::optional<Permit> TryTake(size_t bytes) {
    const int64_t want = static_cast<int64_t>(bytes);
    int64_t used = used_.load();
    do {
      if (used > 0 && used + want > limit_) return std::nullopt;
    } while (!used_.compare_exchange_weak(used, used + want));
    return Permit(this, want);
  }

  int64_t used() const { return used_.load(); }

 private:
  const int64_t limit_;
  std::atomic<int64_t> used_{0};
};

}  // namespace events::rpc
