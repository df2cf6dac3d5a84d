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

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/testing/own_redis_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/feedback/rules/survey_rules.h"
#include "tests/feedback/feedback_test_support.h"

namespace events::feedback {
namespace {

using testing::Choice;
using testing::kHour;
using testing::kNow;
using testing::Number;
using testing::Text;

// Every byte of the append-only files a redis-server wrote into `dir` (Redis 7 keeps them in
// appendonlydir/: a manifest, a base file and the incremental files of commands), or of the
// incremental files only.
std::string AofBytes(const std::string& dir, bool incremental_only = false) {
  std::string out;
  const std::string folder = dir + "/appendonlydir";
  DIR* d = opendir(folder.c_str());
  if (d == nullptr) return out;
  while (dirent* entry = readdir(d)) {
    const std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    const bool incremental = name.size() > 9 && name.compare(name.size() - 9, 9, ".incr.aof") == 0;
    if (incremental_only && !incremental) continue;
    std::ifstream in(absl::StrCat(folder, "/", name), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    out += bytes.str();
  }
  closedir(d);
  return out;
}

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
    ASSERT_TRUE(server_.Start({"--appendonly", "yes", "--appendfsync", "always"}))
        << "could not start a redis-server with appendonly yes";
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

  events::testing::OwnRedisServer server_;
};

TEST_F(AnonymityAofTest, TheAppendOnlyFileTiesNoResponseToARegistration) {
  events::v1::UpdateSurveyRequest req;
  req.set_event_id(event_);
  *req.mutable_definition() = DefaultSurvey();
  req.mutable_definition()->set_anonymous(true);
  ASSERT_TRUE(feedback_->UpdateSurvey("org_riverside", req).ok());
  std::vector<std::string> tokens;
  tokens.reserve(10);
  for (int i = 0; i < 10; ++i) tokens.push_back(Register(event_));
  OpenAt(kNow + kHour);
  for (size_t i = 0; i < tokens.size(); ++i) {
    clock_.Advance(int64_t{61} * 1000);
    auto done = Answer(tokens[i], {Number("overall", 1 + static_cast<int>(i % 5)),
                                   Choice("access_needs_met", "yes", "fine"),
                                   Text("mattered_most", absl::StrCat("Answer number ", i))});
    ASSERT_TRUE(done.ok()) << done.status();
  }
  CloseAndRelease(event_);

  const std::string aof = AofBytes(server_.dir());
  const auto commands = Commands(AofBytes(server_.dir(), /*incremental_only=*/true));
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

  // Each submit is one MULTI/EXEC block: it adds the keyed marker and holds the answers
  // sealed. Nothing in it may be one of those strings, nor any answer in clear. The answers
  // reach the file in release blocks only, each writing at least the minimum group of
  // responses (new random ids, shuffled) and no marker.
  int submits = 0;
  int markers = 0;
  std::vector<int> released;  // responses written per release block
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
    bool adds_marker = false;
    int responses = 0;
    for (size_t k = 0; k + 1 < block.size(); ++k) {
      if (block[k] == "SADD" && block[k + 1] == e + "used") adds_marker = true;
      if (block[k] == "HSET" && block[k + 1] == e + "resp" && k + 2 < block.size() &&
          block[k + 2] != RedisFeedbackStore::kUnorderedField) {
        ++responses;
      }
    }
    if (responses > 0) {
      EXPECT_FALSE(adds_marker) << "a block both marks someone as answered and writes answers";
      released.push_back(responses);
    }
    if (!adds_marker) continue;
    ++submits;
    for (const std::string& arg : block) {
      for (const auto& [what, id] : links) {
        EXPECT_EQ(arg.find(what), std::string::npos)
            << "a submit's block holds " << what << ", which names registration " << id;
      }
      EXPECT_EQ(arg.find("Answer number"), std::string::npos)
          << "a submit's block holds an answer in clear: " << arg;
      if (arg.rfind(e + "used", 0) == 0) ++markers;
    }
  }
  EXPECT_EQ(submits, 10) << "the AOF should hold one block per submit";
  EXPECT_EQ(markers, 10) << "each submit block adds its marker";
  // 10 answers, minimum group 5: 5 released when 10 were held (5 stay held), 5 at closing.
  EXPECT_THAT(released, ::testing::ElementsAre(5, 5));
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
