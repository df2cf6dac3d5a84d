#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "common/redis/redis_client.h"

namespace events::testing {

// A Redis Cluster of one test's own: 3 primaries and 3 replicas (redis-server
// --cluster-enabled yes) on free loopback ports, formed with redis-cli --cluster create, data
// and nodes.conf files in a fresh folder. cluster-node-timeout is 1000 ms, so a replica takes
// over a killed primary within a few seconds. Everything is killed and the folder removed on
// Stop or destruction. Not thread-safe.
class OwnRedisCluster {
 public:
  static constexpr int kNodes = 6;

  OwnRedisCluster() = default;
  ~OwnRedisCluster() { Stop(); }
  OwnRedisCluster(const OwnRedisCluster&) = delete;
  OwnRedisCluster& operator=(const OwnRedisCluster&) = delete;

  // Starts the six servers (a port taken meanwhile is retried with another), forms the
  // cluster, and waits up to 30 s until every node reports cluster_state:ok and knows all
  // six. False, with the reason in error(), when it could not.
  bool Start();
  void Stop();
  const std::string& error() const { return error_; }

  // How to reach the cluster: every node as a seed (pool and timeouts at their defaults).
  redis::RedisOptions Options() const;
  // redis+cluster://127.0.0.1:p1,...
  std::string Url() const;
  // One node by index (0..5), as a single Redis, to look at or change it directly.
  redis::RedisOptions NodeOptions(int node) const;
  int port(int node) const { return ports_[static_cast<size_t>(node)]; }
  // The node listening on `port`, or -1.
  int NodeOf(int port) const;

  // SIGKILL one node (a primary dies); its replica takes over after cluster-node-timeout.
  void Kill(int node);

 private:
  bool StartNode(int node);
  bool Create();
  bool WaitUntilFormed();

  std::vector<pid_t> pids_ = std::vector<pid_t>(kNodes, 0);
  std::vector<int> ports_ = std::vector<int>(kNodes, 0);
  std::string dir_;
  std::string error_;
};

}  // namespace events::testing
