// EvalQueue and RedisClient::EvalMany against a real redis-server (EVENTS_TEST_REDIS_URL).

#include "common/redis/eval_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/testing/redis_for_test.h"

namespace events::redis {
namespace {

using ::events::testing::TestRedisOptions;
using ::events::testing::UniqueKeyPrefix;

// Appends ARGV[2] to the list ARGV[1] and answers its new length; "fail" raises an error.
const LuaScript& AppendScript() {
  static const LuaScript* script = new LuaScript("test_append", R"lua(
if ARGV[2] == 'fail' then return redis.error_reply('ERR_REFUSED asked to fail') end
return redis.call('RPUSH', ARGV[1], ARGV[2])
)lua");
  return *script;
}

class EvalQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = TestRedisOptions();
    ASSERT_FALSE(HasFailure());
    redis_ = std::make_unique<RedisClient>(options_);
    list_ = UniqueKeyPrefix() + "list";
  }

  std::vector<std::string> List() {
    std::vector<std::string> out;
    auto reply = redis_->Command({"LRANGE", list_, "0", "-1"});
    EXPECT_TRUE(reply.ok()) << reply.status();
    if (!reply.ok()) return out;
    for (size_t i = 0; i < ArraySize(**reply); ++i) out.push_back(AsString(ArrayAt(**reply, i)));
    return out;
  }

  RedisOptions options_;
  std::unique_ptr<RedisClient> redis_;
  std::string list_;
};

TEST_F(EvalQueueTest, EvalManyAnswersEachCallInOrderAndOnlyTheFailedOneFails) {
  auto replies = redis_->EvalMany(AppendScript(), {{list_, "a"}, {list_, "fail"}, {list_, "b"}});
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), 3u);
  ASSERT_TRUE((*replies)[0].ok());
  EXPECT_EQ(AsInt(**(*replies)[0]), 1);
  EXPECT_EQ((*replies)[1].status().code(), absl::StatusCode::kInternal);
  EXPECT_NE((*replies)[1].status().message().find("ERR_REFUSED"), absl::string_view::npos);
  ASSERT_TRUE((*replies)[2].ok());
  EXPECT_EQ(AsInt(**(*replies)[2]), 2);
  EXPECT_EQ(List(), (std::vector<std::string>{"a", "b"}));
}

TEST_F(EvalQueueTest, EvalManyLoadsTheScriptAgainAfterAFlush) {
  ASSERT_TRUE(redis_->EvalMany(AppendScript(), {{list_, "a"}}).ok());
  ASSERT_TRUE(redis_->Command({"SCRIPT", "FLUSH"}).ok());
  auto replies = redis_->EvalMany(AppendScript(), {{list_, "b"}, {list_, "c"}});
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_TRUE((*replies)[0].ok()) << (*replies)[0].status();
  ASSERT_TRUE((*replies)[1].ok()) << (*replies)[1].status();
  EXPECT_EQ(List(), (std::vector<std::string>{"a", "b", "c"}));
}

TEST_F(EvalQueueTest, ManyCallersEachGetTheirOwnAnswerOnce) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 500;
  std::mutex mu;
  std::set<int64_t> lengths;
  std::atomic<int> answered{0};
  std::atomic<int> failed{0};
  {
    EvalQueue queue(*redis_, AppendScript(), EvalQueue::Options{2, 64});
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          queue.Eval({list_, absl::StrCat(t, "-", i)}, [&](absl::StatusOr<ReplyPtr> reply) {
            ++answered;
            if (!reply.ok()) {
              ++failed;
              return;
            }
            std::lock_guard<std::mutex> lock(mu);
            lengths.insert(AsInt(**reply));
          });
        }
      });
    }
    for (auto& t : threads) t.join();
  }  // the destructor answers everything queued before it returns
  EXPECT_EQ(answered.load(), kThreads * kPerThread);
  EXPECT_EQ(failed.load(), 0);
  // Every call ran exactly once: the list lengths they saw are 1..N, each once.
  EXPECT_EQ(lengths.size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(*lengths.begin(), 1);
  EXPECT_EQ(*lengths.rbegin(), kThreads * kPerThread);
  // And the list holds every value once: nothing lost, nothing run twice.
  std::vector<std::string> list = List();
  EXPECT_EQ(std::set<std::string>(list.begin(), list.end()).size(),
            static_cast<size_t>(kThreads * kPerThread));
}

TEST_F(EvalQueueTest, UnreachableRedisAnswersUnavailable) {
  RedisOptions nowhere = options_;
  nowhere.host = "127.0.0.1";
  nowhere.port = 1;  // nothing listens on port 1
  nowhere.connect_timeout = std::chrono::milliseconds(200);
  RedisClient down(nowhere);
  EvalQueue queue(down, AppendScript(), EvalQueue::Options{1, 16});
  std::promise<absl::Status> answer;
  queue.Eval({list_, "a"},
             [&](absl::StatusOr<ReplyPtr> reply) { answer.set_value(reply.status()); });
  absl::Status status = answer.get_future().get();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
}

}  // namespace
}  // namespace events::redis
