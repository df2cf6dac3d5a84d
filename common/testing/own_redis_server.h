#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/redis/redis_client.h"

namespace events::testing {

// A redis-server of one test's own, for what the shared test Redis cannot be used for:
// freezing it (SIGSTOP), or reading the files it writes. It runs on a free loopback port
// with its data in a fresh folder (no RDB snapshots; the AOF only if `extra_args` turn it
// on), and is killed and its folder removed on Stop or destruction. Not thread-safe.
class OwnRedisServer {
 public:
  OwnRedisServer() = default;
  ~OwnRedisServer() { Stop(); }
  OwnRedisServer(const OwnRedisServer&) = delete;
  OwnRedisServer& operator=(const OwnRedisServer&) = delete;

  // Starts redis-server with `extra_args` (e.g. {"--appendonly", "yes"}) after the defaults,
  // so they win, and waits up to 10 s for PING. False when it could not be started (a port
  // taken between choosing it and binding is retried with another).
  bool Start(const std::vector<std::string>& extra_args = {});
  // Starts it as a one-node Redis Cluster (cluster mode on, all 16384 slots its own) and
  // waits up to 10 s for cluster_state:ok. In cluster mode Redis refuses a script that
  // touches keys of another slot than its KEYS' (scripts starting "#!lua"; without that line
  // Redis 7 allows it for compatibility), so tests run a store here to prove its scripts
  // keep to one slot. False when it could not be started or the cluster never came up.
  bool StartOneNodeCluster();
  void Stop();
  // SIGSTOP / SIGCONT: connections stay open and nothing is answered meanwhile.
  void Freeze();
  void Thaw();

  // Where it listens (pool and timeouts left at their defaults).
  redis::RedisOptions Options() const;
  // Its data folder ("" before Start).
  const std::string& dir() const { return dir_; }

 private:
  bool StartOneNodeClusterOnce();
  pid_t pid_ = 0;
  int port_ = 0;
  std::string dir_;
};

}  // namespace events::testing
