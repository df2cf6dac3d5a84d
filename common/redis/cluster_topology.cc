// ClusterTopology: the slot map, its refresh (one at a time) and the per-node pools.

#include "common/redis/cluster_topology.h"

#include <hiredis/hiredis.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace events::redis::internal {
namespace {

void AddOnce(std::vector<RedisNode>& nodes, const RedisNode& node) {
  for (const RedisNode& known : nodes) {
    if (SameNode(known, node)) return;
  }
  nodes.push_back(node);
}

}  // namespace

RedisOptions NodeOptions(const RedisOptions& options, const RedisNode& node) {
  RedisOptions o = options;
  o.host = node.host;
  o.port = node.port;
  o.cluster_seeds.clear();
  return o;
}

ClusterTopology::ClusterTopology(RedisOptions options) : options_(std::move(options)) {}

ClusterTopology::~ClusterTopology() = default;

absl::StatusOr<std::shared_ptr<const SlotMap>> ClusterTopology::Current(Deadline deadline) {
  {
    MutexLock lock(&mu_);
    if (map_ != nullptr) return map_;
  }
  absl::Status loaded = Refresh(nullptr, nullptr, deadline);
  MutexLock lock(&mu_);
  if (map_ != nullptr) return map_;
  return loaded.ok() ? absl::UnavailableError("no Redis Cluster slot map could be loaded") : loaded;
}

absl::Status ClusterTopology::Refresh(const SlotMap* seen, const RedisNode* avoid,
                                      Deadline deadline) {
  std::vector<RedisNode> candidates;
  {
    MutexLock lock(&mu_);
    // `seen` is kept alive by the caller, so an equal address is the same map.
    while (map_.get() == seen && refreshing_) {
      if (deadline == Connection::kNoDeadline) {
        refreshed_.Wait(&mu_);  // the load in progress is bounded by its own timeouts
      } else if (refreshed_.WaitUntil(&mu_, deadline)) {
        return absl::UnavailableError(
            "the caller's deadline passed while the Redis Cluster slot map was being loaded");
      }
    }
    if (map_.get() != seen) return absl::OkStatus();
    refreshing_ = true;
    if (map_ != nullptr) {
      for (const RedisNode& node : map_->primaries()) {
        if (avoid == nullptr || !SameNode(node, *avoid)) AddOnce(candidates, node);
      }
      for (const RedisNode& node : map_->replicas()) AddOnce(candidates, node);
    }
  }
  for (const RedisNode& seed : options_.cluster_seeds) AddOnce(candidates, seed);
  if (avoid != nullptr) AddOnce(candidates, *avoid);

  absl::Status last = absl::UnavailableError(
      "no Redis Cluster node is known; set EVENTS_REDIS_URL "
      "to redis+cluster://host:port,...");
  std::shared_ptr<const SlotMap> loaded;
  for (const RedisNode& node : candidates) {
    absl::StatusOr<SlotMap> map = Load(node, deadline);
    if (map.ok()) {
      loaded = std::make_shared<const SlotMap>(*std::move(map));
      break;
    }
    last = map.status();
    // A refusal of our credentials or a node that is not in a cluster will not change by
    // asking another node; a passed deadline ends the search too.
    if (last.code() == absl::StatusCode::kFailedPrecondition ||
        std::chrono::steady_clock::now() >= deadline) {
      break;
    }
  }
  const bool ok = loaded != nullptr;
  {
    MutexLock lock(&mu_);
    refreshing_ = false;
    if (ok) {
      map_ = std::move(loaded);
      refreshes_.fetch_add(1, std::memory_order_relaxed);
    }
  }
  refreshed_.SignalAll();
  return ok ? absl::OkStatus() : last;
}

absl::StatusOr<SlotMap> ClusterTopology::Load(const RedisNode& node, Deadline deadline) const {
  absl::StatusOr<std::unique_ptr<Connection>> connection =
      Connection::Open(NodeOptions(options_, node), deadline);
  if (!connection.ok()) return connection.status();
  absl::StatusOr<std::vector<ReplyPtr>> replies =
      (*connection)->Run({{"CLUSTER", "SLOTS"}}, deadline);
  if (!replies.ok()) return replies.status();
  const redisReply& reply = *replies->front();
  if (reply.type == REDIS_REPLY_ERROR) {
    const std::string error = AsString(reply);
    const std::string endpoint = Endpoint(node);
    if (absl::StrContains(error, "cluster support disabled")) {
      return absl::FailedPreconditionError(
          absl::StrCat("Redis at ", endpoint, " is not a Redis Cluster node (", error,
                       "); use redis://host:port in EVENTS_REDIS_URL for a single Redis"));
    }
    if (absl::StartsWith(error, "NOPERM")) {
      return absl::FailedPreconditionError(
          absl::StrCat("Redis at ", endpoint, " does not let our user read the slot map (", error,
                       "); the user needs +cluster|slots and +asking in its ACL rules"));
    }
    return absl::UnavailableError(
        absl::StrCat("Redis at ", endpoint, " answered CLUSTER SLOTS with ", error));
  }
  return SlotMap::FromClusterSlots(reply, node);
}

ConnectionPool& ClusterTopology::Pool(const RedisNode& node) {
  const std::string endpoint = Endpoint(node);
  MutexLock lock(&mu_);
  std::unique_ptr<ConnectionPool>& pool = pools_[endpoint];
  if (pool == nullptr) pool = std::make_unique<ConnectionPool>(NodeOptions(options_, node));
  return *pool;
}

}  // namespace events::redis::internal
