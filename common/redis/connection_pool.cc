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

ConnectionPool::~ConnectionPool() = default;

absl::StatusOr<ConnectionPool::Lease> ConnectionPool::Acquire(Connection::Deadline deadline) {
  const int capacity = std::max(1, options_.pool_size);
  const auto wait_until =
      std::min(deadline, std::chrono::steady_clock::now() + options_.pool_wait_timeout);
  mu_.Lock();
  while (true) {
    while (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      mu_.Unlock();
      if (!connection->PeerClosed()) return Lease(this, std::move(connection));
      // Redis hung up on it while idle; free it outside the lock and look again.
      connection.reset();
      mu_.Lock();
      --open_;
    }
    if (open_ < capacity) {
      ++open_;  // Holds the slot while connecting, so others wait instead of over-opening.
      mu_.Unlock();
      absl::StatusOr<std::unique_ptr<Connection>> opened = Connection::Open(options_, deadline);
      if (!opened.ok()) {
        {
          MutexLock lock(&mu_);
          --open_;
        }
        freed_.Signal();
        return opened.status();
      }
      return Lease(this, *std::move(opened));
    }
    if (freed_.WaitUntil(&mu_, wait_until) && idle_.empty() && open_ >= capacity) {
      mu_.Unlock();
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
