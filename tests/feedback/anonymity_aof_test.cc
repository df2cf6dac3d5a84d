// The attack on anonymous surveys from Redis's data files: someone holds the append-only
// file (or a backup, or a replica, which receives the same stream of writes) and every
// registration id, and tries to tie each stored response to the registration that gave it.
//
// The test runs its own redis-server with appendonly on and appendfsync always, so the file
// it reads back is exactly what Redis wrote, byte for byte. (MONITOR would not do: it shows
// each EVALSHA with its arguments and every read a script makes, which Redis never writes
// to the AOF or sends to replicas; a scripted submit is written as the MULTI/EXEC block of
// its effects only.)
#include <dirent.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/feedback/rules/survey_rules.h"
#include "tests/feedback/feedback_test_support.h"

extern char** environ;

namespace events::feedback {
namespace {

using testing::Choice;
using testing::kHour;
using testing::kNow;
using testing::Number;
using testing::Text;

// A redis-server of the test's own on a free port, writing an AOF into a fresh folder.
class AofRedis {
 public:
  ~AofRedis() { Stop(); }

  bool Start() {
    char dir[] = "/tmp/feedback-aof.XXXXXX";
    if (mkdtemp(dir) == nullptr) return false;
    dir_ = dir;
    std::mt19937 random(static_cast<unsigned>(getpid()) ^
                        static_cast<unsigned>(std::random_device{}()));
    for (int attempt = 0; attempt < 10; ++attempt) {
      port_ = 20000 + static_cast<int>(random() % 30000);
      std::vector<std::string> args = {"redis-server",
                                       "--port",
                                       std::to_string(port_),
                                       "--bind",
                                       "127.0.0.1",
                                       "--save",
                                       "",
                                       "--appendonly",
                                       "yes",
                                       "--appendfsync",
                                       "always",
                                       "--dir",
                                       dir_,
                                       "--logfile",
                                       "/dev/null",
                                       "--daemonize",
                                       "no"};
      std::vector<char*> argv;
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
      Stop();
    }
    return false;
  }
  void Stop() {
    if (pid_ != 0) {
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
  redis::RedisOptions Options() const {
    redis::RedisOptions o;
    o.host = "127.0.0.1";
    o.port = port_;
    return o;
  }
  // Every byte of the append-only files (Redis 7 keeps them in appendonlydir/: a manifest,
  // a base file and the incremental files of commands), or of the incremental files only.
  std::string AofBytes(bool incremental_only = false) const {
    std::string out;
    const std::string folder = dir_ + "/appendonlydir";
    DIR* d = opendir(folder.c_str());
    if (d == nullptr) return out;
    while (dirent* entry = readdir(d)) {
      const std::string name = entry->d_name;
      if (name == "." || name == "..") continue;
      const bool incremental =
          name.size() > 9 && name.compare(name.size() - 9, 9, ".incr.aof") == 0;
      if (incremental_only && !incremental) continue;
      std::ifstream in(folder + "/" + name, std::ios::binary);
      std::stringstream bytes;
      bytes << in.rdbuf();
      out += bytes.str();
    }
    closedir(d);
    return out;
  }

 private:
  pid_t pid_ = 0;
  int port_ = 0;
  std::string dir_;
};

// The commands of an AOF (RESP arrays of bulk strings), in order.
std::vector<std::vector<std::string>> Commands(const std::string& aof) {
  std::vector<std::vector<std::string>> out;
  size_t i = 0;
  auto line = [&]() {
    const size_t end = aof.find("\r\n", i);
    std::string l = aof.substr(i, end - i);
    i = end + 2;
    return l;
  };
  while (i < aof.size() && aof[i] == '*') {
    const int n = std::stoi(line().substr(1));
    std::vector<std::string> command;
    for (int k = 0; k < n; ++k) {
      const size_t len = std::stoul(line().substr(1));
      command.push_back(aof.substr(i, len));
      i += len + 2;
    }
    out.push_back(std::move(command));
  }
  return out;
}

class AnonymityAofTest : public testing::FeedbackTest {
 protected:
  void SetUp() override {
    FeedbackTest::SetUp();
    ASSERT_FALSE(HasFailure());
    ASSERT_TRUE(server_.Start()) << "could not start a redis-server with appendonly yes";
    store_.reset();
    redis_ = std::make_unique<redis::RedisClient>(server_.Options());
    store_ = std::make_unique<RedisFeedbackStore>(*redis_, *keys_, RedisFeedbackStore::Options{});
    MakeFeedback({});
  }
  void TearDown() override {
    feedback_.reset();
    store_.reset();
    redis_.reset();
    server_.Stop();
  }

  AofRedis server_;
};

TEST_F(AnonymityAofTest, TheAppendOnlyFileTiesNoResponseToARegistration) {
  events::v1::UpdateSurveyRequest req;
  req.set_event_id(event_);
  *req.mutable_definition() = DefaultSurvey();
  req.mutable_definition()->set_anonymous(true);
  ASSERT_TRUE(feedback_->UpdateSurvey("org_riverside", req).ok());
  std::vector<std::string> tokens;
  for (int i = 0; i < 10; ++i) tokens.push_back(Register(event_));
  OpenAt(kNow + kHour);
  for (size_t i = 0; i < tokens.size(); ++i) {
    clock_.Advance(61 * 1000);
    auto done = Answer(tokens[i], {Number("overall", 1 + static_cast<int>(i % 5)),
                                   Choice("access_needs_met", "yes", "fine"),
                                   Text("mattered_most", absl::StrCat("Answer number ", i))});
    ASSERT_TRUE(done.ok()) << done.status();
  }

  const std::string aof = server_.AofBytes();
  const auto commands = Commands(server_.AofBytes(/*incremental_only=*/true));
  const std::string e = store_->EventPrefix(event_);
  // Everything the old code, or a careless one, could have written for a registration: the
  // id itself, the SHA-256 "used" hash of issue 13, a bare hash of the id, and the marker
  // under an empty or a guessable key.
  std::vector<std::pair<std::string, std::string>> links;  // (what, registration id)
  for (const auto& [token, id] : registration_of_) {
    links.emplace_back(token, id);
    links.emplace_back(id, id);
    links.emplace_back(Sha256Hex(absl::StrCat("feedback:used:", event_, ":", id)), id);
    links.emplace_back(Sha256Hex(id), id);
    links.emplace_back(Sha256Hex(absl::StrCat(event_, ":", id)), id);
    links.emplace_back(UsedMarker("", event_, id), id);
    links.emplace_back(UsedMarker(MarkerKey("", ""), event_, id), id);
  }

  // Each submit is one MULTI/EXEC block that writes the response. Nothing in it may be one of
  // those strings; nor may anything the old hash could be, anywhere in the file.
  int submits = 0;
  int markers = 0;
  std::vector<std::string> block;
  bool in_block = false;
  for (const auto& command : commands) {
    if (command[0] == "MULTI") {
      in_block = true;
      block.clear();
      continue;
    }
    if (command[0] != "EXEC") {
      if (in_block) {
        for (const std::string& arg : command) block.push_back(arg);
      }
      continue;
    }
    in_block = false;
    bool writes_response = false;
    for (size_t k = 0; k + 1 < block.size(); ++k) {
      if (block[k] == "HSET" && block[k + 1] == e + "resp") writes_response = true;
    }
    if (!writes_response) continue;
    ++submits;
    for (const std::string& arg : block) {
      for (const auto& [what, id] : links) {
        EXPECT_EQ(arg.find(what), std::string::npos)
            << "a submit's block holds " << what << ", which names registration " << id;
      }
      if (arg.rfind(e + "used", 0) == 0) ++markers;
    }
  }
  EXPECT_EQ(submits, 10) << "the AOF should hold one block per submit";
  EXPECT_EQ(markers, 10) << "each submit block adds its marker";
  for (const auto& [token, id] : registration_of_) {
    EXPECT_EQ(aof.find(token), std::string::npos);
    EXPECT_EQ(aof.find(Sha256Hex(absl::StrCat("feedback:used:", event_, ":", id))),
              std::string::npos);
    // Only the service, with its key, can tie a marker to a registration: the markers are
    // in the file (so the attack above looked at the right bytes).
    EXPECT_NE(aof.find(UsedMarker(testing::kMarkerKey, event_, id)), std::string::npos);
  }
}

}  // namespace
}  // namespace events::feedback
