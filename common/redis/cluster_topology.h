#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/redis/cluster_map.h"
#include "common/redis/connection.h"
#include "common/redis/connection_pool.h"
#include "common/redis/redis_client.h"
#include "common/util/mutex.h"

namespace events::redis::internal {

// What the client knows of a Redis Cluster: the current slot map and a connection pool per
// node (each connection with the same AUTH and CLIENT SETNAME).
//
// Thread-safe. The map is loaded on first need and again on Refresh; one refresh runs at a
// time, and callers that want one while it runs wait for it and use its map. Pools are made
// on first use and kept (a node that left the cluster keeps an idle pool: its connections
// are dropped when found closed).
class ClusterTopology {
 public:
  using Deadline = Connection::Deadline;
  explicit ClusterTopology(RedisOptions options);
  ClusterTopology(const ClusterTopology&) = delete;
  ClusterTopology& operator=(const ClusterTopology&) = delete;
  ~ClusterTopology();

  // The current map, loading it from the seeds first if there is none yet. UNAVAILABLE when
  // no seed answers; FAILED_PRECONDITION when one refuses our credentials or is not a
  // cluster node.
  absl::StatusOr<std::shared_ptr<const SlotMap>> Current(Deadline deadline)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Loads the map again unless `seen` has been replaced already (then returns at once):
  // asks the known primaries (`avoid` last: it may be the node that just failed), then the
  // replicas, then the seeds, and keeps the first answer. The status of the last node tried
  // when none answered.
  absl::Status Refresh(const SlotMap* seen, const RedisNode* avoid, Deadline deadline)
      ABSL_LOCKS_EXCLUDED(mu_);

  // The pool of `node`'s connections. The reference stays valid as long as this object.
  ConnectionPool& Pool(const RedisNode& node) ABSL_LOCKS_EXCLUDED(mu_);

  uint64_t refreshes() const { return refreshes_.load(std::memory_order_relaxed); }

 private:
  // Asks `node` for CLUSTER SLOTS on a connection of its own (so a busy pool cannot hold
  // a refresh up).
  absl::StatusOr<SlotMap> Load(const RedisNode& node, Deadline deadline) const;

  const RedisOptions options_;
  Mutex mu_;
  CondVar refreshed_;
  std::shared_ptr<const SlotMap> map_ ABSL_GUARDED_BY(mu_);
  bool refreshing_ ABSL_GUARDED_BY(mu_) = false;
  std::map<std::string, std::unique_ptr<ConnectionPool>> pools_ ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> refreshes_{0};
};

// `options` with host and port of `node`: how to connect to one node of the cluster.
RedisOptions NodeOptions(const RedisOptions& options, const RedisNode& node);

}  // namespace events::redis::internal
