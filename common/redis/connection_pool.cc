// ConnectionPool: lazy connections, RAII leases, bounded waiting.

#include "common/redis/connection_pool.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace events::redis::internal {

ConnectionPool::Lease::~Lease() {
  if (connection_ != nullptr) pool_->Release(std::move(connection_));
}

ConnectionPool::ConnectionPool(RedisOptions options) : options_(std::move(options)) {}

ConnectionPool::~ConnectionPool() {
  if (RedisStats* stats = options_.stats.get()) {
    MutexLock lock(&mu_);
    stats->AddIdle(-static_cast<int64_t>(idle_.size()));
  }
}

absl::StatusOr<ConnectionPool::Lease> ConnectionPool::Acquire(Connection::Deadline deadline) {
  const int capacity = std::max(1, options_.pool_size);
  const auto start = std::chrono::steady_clock::now();
  const auto wait_until = std::min(deadline, start + options_.pool_wait_timeout);
  RedisStats* const stats = options_.stats.get();
  // Every connection was busy at least once: the wait is counted when Acquire returns.
  bool waited = false;
  auto count_wait = [&] {
    if (waited && stats != nullptr) stats->CountPoolWait(std::chrono::steady_clock::now() - start);
  };
  mu_.Lock();
  while (true) {
    while (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      mu_.Unlock();
      if (stats != nullptr) stats->AddIdle(-1);
      if (!connection->PeerClosed()) {
        if (stats != nullptr) stats->AddInUse(1);
        count_wait();
        return Lease(this, std::move(connection));
      }
      // Redis hung up on it while idle; free it outside the lock and look again.
      connection.reset();
      mu_.Lock();
      --open_;
    }
    if (open_ < capacity) {
      ++open_;  // Holds the slot while connecting, so others wait instead of over-opening.
      mu_.Unlock();
      count_wait();
      absl::StatusOr<std::unique_ptr<Connection>> opened = Connection::Open(options_, deadline);
      if (!opened.ok()) {
        {
          MutexLock lock(&mu_);
          --open_;
        }
        freed_.Signal();
        return opened.status();
      }
      if (stats != nullptr) stats->AddInUse(1);
      return Lease(this, *std::move(opened));
    }
    waited = true;
    if (freed_.WaitUntil(&mu_, wait_until) && idle_.empty() && open_ >= capacity) {
      mu_.Unlock();
      count_wait();
      if (stats != nullptr) stats->CountError(RedisErrorKind::kTimeout);
      if (wait_until == deadline) {
        return absl::UnavailableError(absl::StrCat("the caller's deadline passed while all ",
                                                   capacity, " connections to ", Endpoint(options_),
                                                   " were busy; nothing was sent"));
      }
      return absl::UnavailableError(
          absl::StrCat("no free Redis connection after ", options_.pool_wait_timeout.count(),
                       "ms: all ", capacity, " connections to ", Endpoint(options_),
                       " are busy; raise the pool size or look for slow commands"));
    }
  }
}

void ConnectionPool::Release(std::unique_ptr<Connection> connection) {
  RedisStats* const stats = options_.stats.get();
  if (stats != nullptr) {
    stats->AddInUse(-1);
    if (!connection->broken()) stats->AddIdle(1);
  }
  if (connection->broken()) {
    connection.reset();  // Closed outside the lock.
    MutexLock lock(&mu_);
    --open_;
  } else {
    MutexLock lock(&mu_);
    idle_.push_back(std::move(connection));
  }
  freed_.Signal();
}

}  // namespace events::redis::internal
