// EvalQueue and RedisClient::EvalMany against a real redis-server (EVENTS_TEST_REDIS_URL).

#include "common/redis/eval_queue.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <map>
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

// Appends ARGV[1] to the list KEYS[1] and answers its new length; "fail" raises an error.
const LuaScript& AppendScript() {
  static const LuaScript* script = new LuaScript("test_append", R"lua(
if ARGV[1] == 'fail' then return redis.error_reply('ERR_REFUSED asked to fail') end
return redis.call('RPUSH', KEYS[1], ARGV[1])
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
  auto replies =
      redis_->EvalMany(AppendScript(), {{{list_}, {"a"}}, {{list_}, {"fail"}}, {{list_}, {"b"}}});
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
  ASSERT_TRUE(redis_->EvalMany(AppendScript(), {{{list_}, {"a"}}}).ok());
  // On every primary: in a cluster, the list's node must forget the script too.
  ASSERT_TRUE(redis_->CommandOnEveryPrimary({"SCRIPT", "FLUSH"}).ok());
  auto replies = redis_->EvalMany(AppendScript(), {{{list_}, {"b"}}, {{list_}, {"c"}}});
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
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          queue.Eval({{list_}, {absl::StrCat(t, "-", i)}}, [&](absl::StatusOr<ReplyPtr> reply) {
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

// Grouped calls: KEYS[1] the group's list, ARGV[1] N, then each call's value. Appends the
// values in order and answers each call {its value, N, the list's length after it}; a value
// "fail" fails the whole group before anything is written, "odd" answers a bare number.
const LuaScript& GroupScript() {
  static const LuaScript* script = new LuaScript("test_group", R"lua(
local n = tonumber(ARGV[1])
for i = 1, n do
  if ARGV[1 + i] == 'fail' then return redis.error_reply('ERR_REFUSED a group of ' .. n) end
  if ARGV[1 + i] == 'odd' then return 7 end
end
local out = {}
for i = 1, n do
  out[i] = {ARGV[1 + i], n, redis.call('RPUSH', KEYS[1], ARGV[1 + i])}
end
return out
)lua");
  return *script;
}

TEST_F(EvalQueueTest, CallsQueuedTogetherRunAsOneScriptPerGroupInQueueOrder) {
  const std::string other = list_ + "-other", bad = list_ + "-bad", odd = list_ + "-odd";
  struct Answer {
    std::string value;
    int64_t n = 0, length = 0;
    absl::Status status;
  };
  std::mutex mu;
  std::map<std::string, Answer> answers;
  auto record = [&](const std::string& key) {
    return [&, key](absl::StatusOr<ReplyPtr> reply) {
      Answer a;
      if (reply.ok()) {
        a.value = AsString(ArrayAt(**reply, 0));
        a.n = AsInt(ArrayAt(**reply, 1));
        a.length = AsInt(ArrayAt(**reply, 2));
      } else {
        a.status = reply.status();
      }
      std::lock_guard<std::mutex> lock(mu);
      answers[key] = a;
    };
  };
  {
    // The one sender is held inside the first call's callback while the rest queue up, so
    // they all leave in its next pipeline. Declared before the queue, so that they outlive
    // it: the sender may still be inside released.wait() when the block ends.
    std::promise<void> inside, release;
    std::shared_future<void> released = release.get_future().share();
    EvalQueue::Options options;
    options.senders = 1;
    options.group = true;
    EvalQueue queue(*redis_, GroupScript(), options);
    queue.Eval({{list_}, {"first"}}, [&](absl::StatusOr<ReplyPtr> reply) {
      record("first")(std::move(reply));
      inside.set_value();
      released.wait();
    });
    inside.get_future().wait();
    queue.Eval({{list_}, {"a"}}, record("a"));
    queue.Eval({{other}, {"x"}}, record("x"));
    queue.Eval({{list_}, {"b"}}, record("b"));
    queue.Eval({{bad}, {"ok"}}, record("bad-ok"));
    queue.Eval({{bad}, {"fail"}}, record("bad-fail"));
    queue.Eval({{odd}, {"odd"}}, record("odd"));
    queue.Eval({{list_}, {"c"}}, record("c"));
    release.set_value();
  }  // the destructor answers everything queued
  ASSERT_EQ(answers.size(), 8u);
  EXPECT_EQ(answers["first"].n, 1);
  // One script for a, b, c, in queue order, each with its own answer.
  for (const char* v : {"a", "b", "c"}) {
    ASSERT_TRUE(answers[v].status.ok()) << v << ": " << answers[v].status;
    EXPECT_EQ(answers[v].value, v);
    EXPECT_EQ(answers[v].n, 3) << v;
  }
  EXPECT_EQ(answers["a"].length, 2);
  EXPECT_EQ(answers["c"].length, 4);
  EXPECT_EQ(List(), (std::vector<std::string>{"first", "a", "b", "c"}));
  EXPECT_EQ(answers["x"].n, 1);
  EXPECT_EQ(answers["x"].length, 1);
  // A failing script fails every call of its group, and only those.
  EXPECT_EQ(answers["bad-ok"].status.code(), absl::StatusCode::kInternal);
  EXPECT_NE(answers["bad-fail"].status.message().find("ERR_REFUSED a group of 2"),
            absl::string_view::npos)
      << answers["bad-fail"].status;
  // A reply that is not one answer per call fails the group with a message saying so.
  EXPECT_EQ(answers["odd"].status.code(), absl::StatusCode::kInternal);
  EXPECT_NE(answers["odd"].status.message().find("array"), absl::string_view::npos)
      << answers["odd"].status;
}

TEST_F(EvalQueueTest, UnreachableRedisAnswersUnavailable) {
  RedisOptions nowhere = options_;
  nowhere.host = "127.0.0.1";
  nowhere.port = 1;  // nothing listens on port 1
  // Against a cluster (EVENTS_TEST_REDIS_URL=redis+cluster://...): its only seed.
  if (!nowhere.cluster_seeds.empty()) nowhere.cluster_seeds = {{"127.0.0.1", 1}};
  nowhere.connect_timeout = std::chrono::milliseconds(200);
  RedisClient down(nowhere);
  EvalQueue queue(down, AppendScript(), EvalQueue::Options{1, 16});
  std::promise<absl::Status> answer;
  queue.Eval({{list_}, {"a"}},
             [&](absl::StatusOr<ReplyPtr> reply) { answer.set_value(reply.status()); });
  absl::Status status = answer.get_future().get();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
}

TEST_F(EvalQueueTest, ACallWhoseDeadlineHasPassedIsNeverSent) {
  EvalQueue::Options options;
  options.senders = 1;
  EvalQueue queue(*redis_, AppendScript(), options);
  std::promise<absl::StatusOr<ReplyPtr>> answer;
  queue.Eval(
      {{list_}, {"late"}}, [&](absl::StatusOr<ReplyPtr> r) { answer.set_value(std::move(r)); },
      std::chrono::steady_clock::now() - std::chrono::milliseconds(1));
  EXPECT_EQ(answer.get_future().get().status().code(), absl::StatusCode::kUnavailable);
  std::promise<absl::StatusOr<ReplyPtr>> in_time;
  queue.Eval(
      {{list_}, {"in time"}}, [&](absl::StatusOr<ReplyPtr> r) { in_time.set_value(std::move(r)); },
      std::chrono::steady_clock::now() + std::chrono::seconds(5));
  EXPECT_TRUE(in_time.get_future().get().ok());
  EXPECT_EQ(List(), std::vector<std::string>{"in time"});
}

// A "Redis" that accepts connections and never answers: how a frozen one looks from here.
class SilentServer {
 public:
  SilentServer() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(fd_, 64) != 0) {
      return;
    }
    socklen_t len = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentServer() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;  // the kernel completes connections from its backlog; nobody reads them
};

TEST_F(EvalQueueTest, AgainstARedisThatNeverAnswersCallsComeBackBeforeTheirDeadlines) {
  SilentServer silent;
  ASSERT_NE(silent.port(), 0);
  RedisOptions options;
  options.port = silent.port();  // 2 s command timeout, as configured by default
  RedisClient hung(options);
  EvalQueue::Options queue_options;
  queue_options.senders = 1;
  queue_options.max_batch = 1;
  queue_options.max_queued = 4;
  EvalQueue queue(hung, AppendScript(), queue_options);

  constexpr int kCalls = 10;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(400);
  std::vector<std::promise<absl::StatusOr<ReplyPtr>>> answers(kCalls);
  std::vector<std::chrono::steady_clock::time_point> answered(kCalls);
  for (int i = 0; i < kCalls; ++i) {
    queue.Eval(
        {{list_}, {absl::StrCat(i)}},
        [&, i](absl::StatusOr<ReplyPtr> r) {
          answered[i] = std::chrono::steady_clock::now();
          answers[i].set_value(std::move(r));
        },
        deadline);
  }
  int exhausted = 0;
  for (int i = 0; i < kCalls; ++i) {
    absl::StatusOr<ReplyPtr> r = answers[i].get_future().get();
    ASSERT_FALSE(r.ok()) << i;
    if (absl::IsResourceExhausted(r.status())) {
      ++exhausted;
    } else {
      EXPECT_TRUE(absl::IsUnavailable(r.status())) << i << ": " << r.status();
    }
    // Before the deadline (with room for a busy test machine), not after the 2 s timeout.
    EXPECT_LE(answered[i], deadline + std::chrono::milliseconds(100)) << i << ": " << r.status();
  }
  // One out, four waiting: the rest refused at once.
  EXPECT_GE(exhausted, kCalls - 1 - 4);
}

// Calls that travel in one pipeline may have different deadlines: each is answered by its
// own, not when the pipeline's last caller gives up (the first caller's client would see
// DEADLINE_EXCEEDED instead of the service's UNAVAILABLE), and none is cut short for another.
TEST_F(EvalQueueTest, APipelineToAFrozenRedisAnswersEachCallBeforeItsOwnDeadline) {
  SilentServer silent;
  ASSERT_NE(silent.port(), 0);
  RedisOptions options;
  options.port = silent.port();  // 2 s command timeout, as configured by default
  RedisClient hung(options);
  EvalQueue::Options queue_options;
  queue_options.senders = 1;
  EvalQueue queue(hung, AppendScript(), queue_options);

  using std::chrono::milliseconds;
  const auto start = std::chrono::steady_clock::now();
  struct Answer {
    std::promise<absl::StatusOr<ReplyPtr>> reply;
    std::chrono::steady_clock::time_point at;
  };
  Answer blocker, soon, late;
  auto record = [](Answer& a) {
    return [&a](absl::StatusOr<ReplyPtr> r) {
      a.at = std::chrono::steady_clock::now();
      a.reply.set_value(std::move(r));
    };
  };
  // The blocker holds the only sender until shortly before 200 ms; meanwhile `soon` and
  // `late` queue up, and the sender then takes both as one pipeline.
  queue.Eval({{list_}, {"blocker"}}, record(blocker), start + milliseconds(200));
  const auto soon_deadline = start + milliseconds(700);
  queue.Eval({{list_}, {"soon"}}, record(soon), soon_deadline);
  queue.Eval({{list_}, {"late"}}, record(late), start + milliseconds(5000));

  for (Answer* a : {&blocker, &soon, &late}) {
    absl::StatusOr<ReplyPtr> r = a->reply.get_future().get();
    EXPECT_TRUE(absl::IsUnavailable(r.status())) << r.status();
  }
  // `soon` hears back before its deadline (with room for a busy test machine), not when
  // the pipeline's last caller gives up (the 2 s command timeout here).
  EXPECT_LE(soon.at, soon_deadline + milliseconds(100));
  // `late` kept waiting for Redis (until the 2 s command timeout here), within its own.
  EXPECT_GT(late.at, soon_deadline);
  EXPECT_LE(late.at, start + milliseconds(5000));
}

}  // namespace
}  // namespace events::redis
