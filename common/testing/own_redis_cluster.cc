// OwnRedisCluster: six local redis-servers formed into a cluster with redis-cli.

#include "common/testing/own_redis_cluster.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

extern char** environ;

namespace events::testing {
namespace {

using Clock = std::chrono::steady_clock;

// True when nothing listens on 127.0.0.1:port now (it may still be taken before we bind).
bool PortFree(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool free = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return free;
}

// Runs a program to its end with its output in `log`; its exit status, or -1.
int RunToEnd(std::vector<std::string> args, const std::string& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return -1;
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

bool OwnRedisCluster::Start() {
  char dir[] = "/tmp/own-redis-cluster.XXXXXX";
  if (mkdtemp(dir) == nullptr) {
    error_ = "could not make a temporary folder";
    return false;
  }
  dir_ = dir;
  for (int node = 0; node < kNodes; ++node) {
    if (!StartNode(node)) {
      Stop();
      return false;
    }
  }
  if (!Create() || !WaitUntilFormed()) {
    Stop();
    return false;
  }
  return true;
}

bool OwnRedisCluster::StartNode(int node) {
  std::mt19937 random(static_cast<unsigned>(getpid()) ^
                      static_cast<unsigned>(std::random_device{}()));
  for (int attempt = 0; attempt < 20; ++attempt) {
    // The cluster bus listens on port + 10000: both must be free, and below the usual
    // ephemeral range so that outgoing connections do not take them meanwhile.
    const int port = 20000 + static_cast<int>(random() % 8000);
    if (!PortFree(port) || !PortFree(port + 10000)) continue;
    ports_[static_cast<size_t>(node)] = port;
    const std::string p = std::to_string(port);
    std::vector<std::string> args = {
        "redis-server", "--port", p, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
        "--dir", dir_, "--logfile", absl::StrCat(dir_, "/node-", p, ".log"), "--daemonize", "no",
        "--cluster-enabled", "yes", "--cluster-config-file", absl::StrCat("nodes-", p, ".conf"),
        "--cluster-node-timeout", "1000",
        // A replica may always take over, however stale.
        "--cluster-replica-validity-factor", "0",
        // Replicas sync at once, not after the default 5 s wait for more replicas.
        "--repl-diskless-sync-delay", "0",
        // CLUSTER SLOTS lists a replica only once its replication offset is above 0, which
        // an idle primary's pings to its replicas (every 10 s by default) bring about.
        "--repl-ping-replica-period", "1"};
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawnp(&pid, "redis-server", nullptr, nullptr, argv.data(), environ) != 0) {
      error_ = "could not run redis-server; is it installed?";
      return false;
    }
    pids_[static_cast<size_t>(node)] = pid;
    redis::RedisOptions options = NodeOptions(node);
    options.pool_size = 1;
    redis::RedisClient probe(options);
    const auto until = Clock::now() + std::chrono::seconds(10);
    while (Clock::now() < until) {
      if (probe.Ping().ok()) return true;
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) break;  // port taken: try another
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    pids_[static_cast<size_t>(node)] = 0;
  }
  error_ = absl::StrCat("could not start redis-server node ", node, " on a free port");
  return false;
}

bool OwnRedisCluster::Create() {
  std::vector<std::string> args = {"redis-cli", "--cluster", "create"};
  for (int port : ports_) args.push_back(absl::StrCat("127.0.0.1:", port));
  args.insert(args.end(), {"--cluster-replicas", "1", "--cluster-yes"});
  const std::string log = dir_ + "/create.log";
  if (RunToEnd(args, log) != 0) {
    error_ = absl::StrCat("redis-cli --cluster create failed: ", ReadFile(log));
    return false;
  }
  return true;
}

bool OwnRedisCluster::WaitUntilFormed() {
  // Every node must say the cluster is ok, know all six nodes, and list a replica for each
  // of the three slot ranges, so that a failover has a replica to promote.
  const auto until = Clock::now() + std::chrono::seconds(30);
  std::string last;
  while (Clock::now() < until) {
    bool formed = true;
    for (int node = 0; node < kNodes && formed; ++node) {
      redis::RedisOptions options = NodeOptions(node);
      options.pool_size = 1;
      redis::RedisClient client(options);
      absl::StatusOr<redis::ReplyPtr> info = client.Command({"CLUSTER", "INFO"});
      absl::StatusOr<redis::ReplyPtr> slots = client.Command({"CLUSTER", "SLOTS"});
      if (!info.ok() || !slots.ok()) {
        last = absl::StrCat("node ", node, ": ", (info.ok() ? slots : info).status().message());
        formed = false;
        break;
      }
      const std::string text = redis::AsString(**info);
      formed = absl::StrContains(text, "cluster_state:ok") &&
               absl::StrContains(text, absl::StrCat("cluster_known_nodes:", kNodes)) &&
               redis::ArraySize(**slots) == 3;
      for (size_t r = 0; formed && r < redis::ArraySize(**slots); ++r) {
        formed = redis::ArraySize(redis::ArrayAt(**slots, r)) >= 4;
      }
      if (!formed) last = absl::StrCat("node ", node, " says: ", text);
    }
    if (formed) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  error_ = absl::StrCat("the cluster did not form within 30 s; last: ", last);
  return false;
}

void OwnRedisCluster::Stop() {
  for (pid_t& pid : pids_) {
    if (pid == 0) continue;
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    pid = 0;
  }
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
    dir_.clear();
  }
}

void OwnRedisCluster::Kill(int node) {
  pid_t& pid = pids_[static_cast<size_t>(node)];
  if (pid == 0) return;
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  pid = 0;
}

redis::RedisOptions OwnRedisCluster::Options() const {
  redis::RedisOptions options;
  for (int port : ports_) options.cluster_seeds.push_back({"127.0.0.1", port});
  options.host = "127.0.0.1";
  options.port = ports_.front();
  return options;
}

std::string OwnRedisCluster::Url() const {
  std::vector<std::string> seeds;
  seeds.reserve(ports_.size());
  for (int port : ports_) seeds.push_back(absl::StrCat("127.0.0.1:", port));
  return absl::StrCat("redis+cluster://", absl::StrJoin(seeds, ","));
}

redis::RedisOptions OwnRedisCluster::NodeOptions(int node) const {
  redis::RedisOptions options;
  options.host = "127.0.0.1";
  options.port = ports_[static_cast<size_t>(node)];
  return options;
}

int OwnRedisCluster::NodeOf(int port) const {
  for (int node = 0; node < kNodes; ++node) {
    if (ports_[static_cast<size_t>(node)] == port) return node;
  }
  return -1;
}

}  // namespace events::testing
