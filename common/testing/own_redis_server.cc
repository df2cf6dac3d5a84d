#include "common/testing/own_redis_server.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>

extern char** environ;

namespace events::testing {

bool OwnRedisServer::Start(const std::vector<std::string>& extra_args) {
  char dir[] = "/tmp/own-redis.XXXXXX";
  if (mkdtemp(dir) == nullptr) return false;
  dir_ = dir;
  std::mt19937 random(static_cast<unsigned>(getpid()) ^
                      static_cast<unsigned>(std::random_device{}()));
  for (int attempt = 0; attempt < 10; ++attempt) {
    port_ = 20000 + static_cast<int>(random() % 30000);
    std::vector<std::string> args = {
        "redis-server", "--port", std::to_string(port_), "--bind",    "127.0.0.1",   "--save", "",
        "--dir",        dir_,     "--logfile",           "/dev/null", "--daemonize", "no"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawnp(&pid_, "redis-server", nullptr, nullptr, argv.data(), environ) != 0) {
      pid_ = 0;
      return false;
    }
    redis::RedisOptions options = Options();
    options.pool_size = 1;
    redis::RedisClient probe(options);
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < until) {
      if (probe.Ping().ok()) return true;
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) break;  // port taken: try another
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (pid_ != 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = 0;
    }
  }
  return false;
}

bool OwnRedisServer::StartOneNodeCluster() {
  // A few tries: a cluster node also needs its bus port (port + 10000) free, and another
  // test may take it between our check and the bind; the node then exits or never says ok.
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (StartOneNodeClusterOnce()) return true;
    Stop();
  }
  return false;
}

bool OwnRedisServer::StartOneNodeClusterOnce() {
  // nodes.conf goes to the data folder (--dir), so it is removed with it.
  if (!Start({"--cluster-enabled", "yes"})) return false;
  redis::RedisOptions options = Options();
  options.pool_size = 1;
  redis::RedisClient admin(options);
  if (!admin.Command({"CLUSTER", "ADDSLOTSRANGE", "0", "16383"}).ok()) return false;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < until) {
    auto info = admin.Command({"CLUSTER", "INFO"});
    if (info.ok() && redis::AsString(**info).find("cluster_state:ok") != std::string::npos) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

void OwnRedisServer::Stop() {
  if (pid_ != 0) {
    kill(pid_, SIGCONT);  // a frozen process is killed all the same, but reaped sooner
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = 0;
  }
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
    dir_.clear();
  }
}

void OwnRedisServer::Freeze() { kill(pid_, SIGSTOP); }
void OwnRedisServer::Thaw() { kill(pid_, SIGCONT); }

redis::RedisOptions OwnRedisServer::Options() const {
  redis::RedisOptions o;
  o.host = "127.0.0.1";
  o.port = port_;
  return o;
}

}  // namespace events::testing
