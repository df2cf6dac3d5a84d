// A service refuses to start when its EVENTS_PARTITIONS differs from the count recorded in
// Redis (bus::CheckPartitions), saying both and what to set; with the recorded count it
// starts. Runs the real scheduling_server against the test Redis (EVENTS_TEST_REDIS_URL).

#include <fcntl.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "common/bus/partition_guard.h"
#include "common/redis/redis_client.h"
#include "common/testing/redis_for_test.h"
#include "common/testing/sanitizer_env.h"
#include "gtest/gtest.h"

namespace events::scheduling {
namespace {

// A port nothing listens on now (the kernel's pick for port 0).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

class PartitionsStartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = events::testing::TestRedisOptions();
    ASSERT_FALSE(HasFailure());
    redis_ = std::make_unique<redis::RedisClient>(options_);
    log_path_ = ::testing::TempDir() + "partitions_start_" + std::to_string(getpid()) + ".log";
  }
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    std::remove(log_path_.c_str());
  }

  // Starts scheduling_server with `partitions` (0: EVENTS_PARTITIONS unset), its output into
  // log_path_.
  void Start(int partitions) {
    std::vector<std::string> env = {
        "EVENTS_GRPC_PORT=" + std::to_string(FreePort()),
        "EVENTS_METRICS_PORT=0",
        "EVENTS_LISTEN_HOST=127.0.0.1",
        std::string("EVENTS_REDIS_URL=") + std::getenv("EVENTS_TEST_REDIS_URL"),
        "EVENTS_REDIS_KEY_PREFIX=" + prefix_,
        "SCHEDULING_REMINDER_WORKER=false",
        "EVENTS_LOG_FORMAT=text"};
    if (partitions > 0) env.push_back("EVENTS_PARTITIONS=" + std::to_string(partitions));
    for (std::string& e : events::testing::SanitizerEnvironment()) env.push_back(std::move(e));
    std::vector<char*> envp;
    envp.reserve(env.size() + 1);
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, 1, log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_adddup2(&files, 1, 2);
    char* argv[] = {const_cast<char*>(SCHEDULING_SERVER_PATH), nullptr};
    ASSERT_EQ(posix_spawn(&pid_, SCHEDULING_SERVER_PATH, &files, nullptr, argv, envp.data()), 0);
    posix_spawn_file_actions_destroy(&files);
  }

  // The exit code once the server stopped by itself within `within`, or -1 if it still runs.
  int ExitCode(std::chrono::seconds within) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }

  // Polls the log for `text` until `within` passes.
  bool LogShows(const std::string& text, std::chrono::seconds within) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < deadline) {
      if (absl::StrContains(Log(), text)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  std::string Log() const {
    std::ifstream in(log_path_);
    std::stringstream all;
    all << in.rdbuf();
    return all.str();
  }

  redis::RedisOptions options_;
  std::unique_ptr<redis::RedisClient> redis_;
  const std::string prefix_ = events::testing::UniqueKeyPrefix();
  std::string log_path_;
  pid_t pid_ = -1;
};

TEST_F(PartitionsStartTest, ARecordedCountOtherThanTheSettingStopsTheService) {
  ASSERT_TRUE(redis_->Command({"SET", prefix_ + "events:partitions", "16"}).ok());
  Start(256);
  EXPECT_EQ(ExitCode(std::chrono::seconds(20)), 2) << Log();
  const std::string log = Log();
  EXPECT_TRUE(absl::StrContains(log, "cannot start: EVENTS_PARTITIONS is 256")) << log;
  EXPECT_TRUE(absl::StrContains(log, "Set EVENTS_PARTITIONS=16")) << log;
}

TEST_F(PartitionsStartTest, TheRecordedCountStartsTheService) {
  ASSERT_TRUE(redis_->Command({"SET", prefix_ + "events:partitions", "16"}).ok());
  Start(16);
  EXPECT_TRUE(LogShows("scheduling is serving", std::chrono::seconds(20))) << Log();
  EXPECT_EQ(ExitCode(std::chrono::seconds(0)), -1) << Log();
}

TEST_F(PartitionsStartTest, ANewInstallationIsRecordedByTheFirstService) {
  Start(64);
  EXPECT_TRUE(LogShows("scheduling is serving", std::chrono::seconds(20))) << Log();
  absl::StatusOr<redis::ReplyPtr> record = redis_->Command({"GET", prefix_ + "events:partitions"});
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(redis::AsString(**record), "64");
}

TEST_F(PartitionsStartTest, UnsetTheServiceTakesTheInstallationsCount) {
  ASSERT_TRUE(redis_->Command({"SET", prefix_ + "events:partitions", "16"}).ok());
  Start(0);
  EXPECT_TRUE(LogShows("scheduling is serving", std::chrono::seconds(20))) << Log();
  EXPECT_TRUE(absl::StrContains(Log(), "keyed with 16 partitions, so this service uses 16"))
      << Log();
  absl::StatusOr<redis::ReplyPtr> record = redis_->Command({"GET", prefix_ + "events:partitions"});
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(redis::AsString(**record), "16");
}

TEST_F(PartitionsStartTest, UnsetANewInstallationGetsTheDefault) {
  Start(0);
  EXPECT_TRUE(LogShows("scheduling is serving", std::chrono::seconds(20))) << Log();
  absl::StatusOr<redis::ReplyPtr> record = redis_->Command({"GET", prefix_ + "events:partitions"});
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(redis::AsString(**record), "256");
}

}  // namespace
}  // namespace events::scheduling
