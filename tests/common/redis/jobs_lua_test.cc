// The delayed-job Lua module (common/redis/lua/jobs.lua) against a real redis-server
// (EVENTS_TEST_REDIS_URL), through a fire script whose handlers only write down what ran
// (tests/common/redis/lua/, built into test_scripts.h by cmake/LuaScripts.cmake).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/redis/redis_client.h"
#include "common/testing/redis_for_test.h"
#include "tests/common/redis/test_scripts.h"

namespace events::redis {
namespace {

using ::events::testing::TestRedisOptions;
using ::events::testing::UniqueKeyPrefix;

// KEYS: 1 jobs  2 log (a list of what the handlers did)  ARGV: 1 now  2 limit
//   note:<s>  logs its member, counts as fired
//   skip:<s>  logs "skip <s>", does not count
//   again:<s> schedules itself 1000 ms later
//   fail:<s>  logs "fail <s>", then fails (INCR on the sorted set)
//   old|<s>   the "old format": read as note:<s>
const LuaScript& FireScript() { return test_lua::JobsFire(); }

// KEYS: 1 jobs  ARGV: 1 "schedule" or "cancel"  2 due ms  3 kind  4 subject  5 legacy ("": none)
const LuaScript& ChangeScript() { return test_lua::JobsChange(); }

class JobsLuaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RedisOptions options = TestRedisOptions();
    ASSERT_FALSE(HasFailure());
    redis_ = std::make_unique<RedisClient>(options);
    const std::string prefix = UniqueKeyPrefix() + "{p0}:";
    jobs_ = prefix + "jobs";
    log_ = prefix + "log";
  }

  void Add(int64_t due, const std::string& member) {
    ASSERT_TRUE(redis_->Command({"ZADD", jobs_, absl::StrCat(due), member}).ok());
  }
  absl::StatusOr<int64_t> Fire(int64_t now, int limit) {
    auto reply =
        redis_->Eval(FireScript(), {jobs_, log_}, {absl::StrCat(now), absl::StrCat(limit)});
    if (!reply.ok()) return reply.status();
    return AsInt(**reply);
  }
  void Change(const std::vector<std::string>& args) {
    ASSERT_TRUE(redis_->Eval(ChangeScript(), {jobs_}, args).ok());
  }
  std::vector<std::string> List(const std::vector<std::string>& command) {
    std::vector<std::string> out;
    auto reply = redis_->Command(command);
    EXPECT_TRUE(reply.ok()) << reply.status();
    if (!reply.ok()) return out;
    for (size_t i = 0; i < ArraySize(**reply); ++i) out.push_back(AsString(ArrayAt(**reply, i)));
    return out;
  }
  std::vector<std::string> Log() { return List({"LRANGE", log_, "0", "-1"}); }
  // Members and scores, by due time.
  std::vector<std::string> Queue() { return List({"ZRANGE", jobs_, "0", "-1", "WITHSCORES"}); }

  std::unique_ptr<RedisClient> redis_;
  std::string jobs_;
  std::string log_;
};

TEST_F(JobsLuaTest, FiresWhatIsDueOldestFirstUpToTheLimitAndRemovesIt) {
  Add(30, "note:c");
  Add(10, "note:a");
  Add(15, "skip:x");
  Add(20, "note:b");
  Add(40, "note:d");
  EXPECT_EQ(*Fire(30, 3), 2);  // skip:x ran but does not count
  EXPECT_EQ(Log(), (std::vector<std::string>{"note:a", "skip x", "note:b"}));
  EXPECT_EQ(Queue(), (std::vector<std::string>{"note:c", "30", "note:d", "40"}));
  EXPECT_EQ(*Fire(30, 3), 1);
  EXPECT_EQ(*Fire(30, 3), 0);
  EXPECT_EQ(Queue(), (std::vector<std::string>{"note:d", "40"}));
}

TEST_F(JobsLuaTest, AJobItsHandlerScheduledAgainStays) {
  Add(10, "again:x");
  EXPECT_EQ(*Fire(10, 10), 1);
  EXPECT_EQ(Queue(), (std::vector<std::string>{"again:x", "1010"}));
}

TEST_F(JobsLuaTest, AFailingHandlerLeavesItsJobToFireAgain) {
  Add(10, "note:a");
  Add(20, "fail:b");
  Add(30, "note:c");
  auto fired = Fire(30, 10);
  ASSERT_FALSE(fired.ok());
  // The job before it fired and went; the failing one and those after it wait.
  EXPECT_EQ(Log(), (std::vector<std::string>{"note:a", "fail b"}));
  EXPECT_EQ(Queue(), (std::vector<std::string>{"fail:b", "20", "note:c", "30"}));
}

TEST_F(JobsLuaTest, MembersNoHandlerKnowsAreDroppedWithoutHoldingBackTheRest) {
  Add(10, "mystery:x");
  Add(11, "not a job");
  Add(12, "Note:upper");
  Add(13, "note:a");
  EXPECT_EQ(*Fire(20, 10), 1);
  EXPECT_EQ(Log(), (std::vector<std::string>{"note:a"}));
  EXPECT_TRUE(Queue().empty());
}

TEST_F(JobsLuaTest, MembersInTheOldFormatAreReadByTheServicesReader) {
  Add(10, "old|a");
  Add(20, "note:b:with:colons");
  EXPECT_EQ(*Fire(20, 10), 2);
  // The handler gets the member as stored.
  EXPECT_EQ(Log(), (std::vector<std::string>{"old|a", "note:b:with:colons"}));
  EXPECT_TRUE(Queue().empty());
}

TEST_F(JobsLuaTest, SchedulingMovesAJobAndRemovesItsOldFormatMember) {
  Add(10, "old|a");
  Change({"schedule", "50", "note", "a", "old|a"});
  EXPECT_EQ(Queue(), (std::vector<std::string>{"note:a", "50"}));
  Change({"schedule", "60", "note", "a", ""});
  EXPECT_EQ(Queue(), (std::vector<std::string>{"note:a", "60"}));
  Add(10, "old|a");
  Change({"cancel", "0", "note", "a", "old|a"});
  EXPECT_TRUE(Queue().empty());
}

}  // namespace
}  // namespace events::redis
