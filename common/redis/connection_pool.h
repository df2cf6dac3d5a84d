#pragma once

#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "common/redis/connection.h"
#include "common/redis/redis_client.h"
#include "common/util/mutex.h"

namespace events::redis::internal {

// Up to pool_size connections, opened on first need and lent out one caller at a time.
//
// Thread-safe. Callers beyond pool_size wait on a condition variable up to
// pool_wait_timeout. A connection comes back through its Lease's destructor; a broken one
// (I/O error, timeout) is dropped then, so its slot is re-opened by the next caller.
class ConnectionPool {
 public:
  // A connection on loan; returns it to the pool when destroyed. Move-only.
  class Lease {
   public:
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&& other) = delete;
    ~Lease();

    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}

    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  explicit ConnectionPool(RedisOptions options);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;
  // Every Lease must have been destroyed first.
  ~ConnectionPool();

  // A live connection: an idle one, or a new one while fewer than pool_size are open.
  // UNAVAILABLE when none frees up within pool_wait_timeout or before `deadline`, whichever
  // comes first, or when connecting fails (then the message is Connection::Open's).
  absl::StatusOr<Lease> Acquire(Connection::Deadline deadline = Connection::kNoDeadline)
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Release(std::unique_ptr<Connection> connection) ABSL_LOCKS_EXCLUDED(mu_);

  const RedisOptions options_;
  Mutex mu_;
  CondVar freed_;
  // Most recently returned last, and taken first: a busy pool keeps reusing warm
  // connections, and the ones left idle longest are the ones that go stale.
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mu_);
  // Connections idle, on loan or being opened; never above pool_size.
  int open_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace events::redis::internal
