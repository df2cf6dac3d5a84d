// RedisClient against a real redis-server (EVENTS_TEST_REDIS_URL). Every test uses its own
// keys and its own client name, so tests can run in parallel on one server.

#include "common/redis/redis_client.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/testing/redis_for_test.h"

namespace events::redis {
namespace {

using ::events::testing::TestRedisOptions;
using ::events::testing::UniqueKeyPrefix;

// A local port with nothing listening: bound by the kernel's choice, then released. 0 when
// the kernel gave none (the caller asserts against it rather than test port 0).
int ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

class RedisClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = TestRedisOptions();
    // Without a test Redis, stop here rather than touch whatever listens on the default port.
    ASSERT_FALSE(HasFailure());
    admin_ = std::make_unique<RedisClient>(options_);
    prefix_ = UniqueKeyPrefix();
    options_.client_name = absl::StrCat("test-", prefix_);
  }

  std::string Key(const std::string& name) const { return prefix_ + name; }

  // This test's connections: "ID <id> ADDR <addr>", the filter that picks one out for
  // CLIENT KILL, optionally only those running `command`. Every primary's, so that in a
  // cluster the connections to each node count (the address tells apart equal ids on two
  // nodes).
  std::vector<std::string> OurClients(const std::string& command = "") {
    std::vector<std::string> ours;
    absl::StatusOr<std::vector<ReplyPtr>> lists = admin_->CommandOnEveryPrimary({"CLIENT", "LIST"});
    EXPECT_TRUE(lists.ok()) << lists.status();
    if (!lists.ok()) return ours;
    for (const ReplyPtr& list : *lists) {
      for (absl::string_view line : absl::StrSplit(AsString(*list), '\n')) {
        std::string id;
        std::string addr;
        bool mine = false;
        bool running = command.empty();
        for (absl::string_view field : absl::StrSplit(line, ' ')) {
          if (absl::StartsWith(field, "id=")) id = std::string(field.substr(3));
          if (absl::StartsWith(field, "addr=")) addr = std::string(field.substr(5));
          if (field == absl::StrCat("name=", options_.client_name)) mine = true;
          if (field == absl::StrCat("cmd=", command)) running = true;
        }
        if (mine && running) ours.push_back(absl::StrCat("ID ", id, " ADDR ", addr));
      }
    }
    return ours;
  }

  // Waits (bounded) until one of our connections is running `command`, e.g. a BLPOP.
  bool WaitUntilRunning(const std::string& command) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::chrono::steady_clock::now() < deadline) {
      if (!OurClients(command).empty()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

  void KillOurConnections() {
    for (const std::string& client : OurClients()) {
      std::vector<std::string> kill = {"CLIENT", "KILL"};
      for (absl::string_view part : absl::StrSplit(client, ' ')) kill.emplace_back(part);
      absl::StatusOr<std::vector<ReplyPtr>> killed = admin_->CommandOnEveryPrimary(kill);
      ASSERT_TRUE(killed.ok()) << killed.status();
      int64_t total = 0;
      for (const ReplyPtr& count : *killed) total += AsInt(*count);
      ASSERT_EQ(total, 1) << client;
    }
  }

  bool Cluster() const { return !options_.cluster_seeds.empty(); }

  std::string prefix_;
  RedisOptions options_;
  std::unique_ptr<RedisClient> admin_;
};

TEST_F(RedisClientTest, CommandsRoundTrip) {
  RedisClient redis(options_);
  ASSERT_TRUE(redis.Ping().ok());
  ASSERT_TRUE(redis.Command({"SET", Key("k"), "v"}).ok());
  absl::StatusOr<ReplyPtr> got = redis.Command({"GET", Key("k")});
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(AsString(**got), "v");
  absl::StatusOr<ReplyPtr> deleted = redis.Command({"DEL", Key("k")});
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(AsInt(**deleted), 1);
}

TEST_F(RedisClientTest, ValuesAndKeysAreBinarySafe) {
  RedisClient redis(options_);
  const std::string key = Key(std::string("a\0b", 3));
  const std::string value("\0x\xff\r\n\0", 6);
  ASSERT_TRUE(redis.Command({"SET", key, value}).ok());
  absl::StatusOr<ReplyPtr> got = redis.Command({"GET", key});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(AsString(**got), value);
  EXPECT_EQ(AsInt(**redis.Command({"STRLEN", key})), 6);
  // A different key that only differs after the NUL.
  EXPECT_TRUE(IsNil(**redis.Command({"GET", Key(std::string("a\0c", 3))})));
}

TEST_F(RedisClientTest, NilArrayAndNumberHelpers) {
  RedisClient redis(options_);
  absl::StatusOr<ReplyPtr> missing = redis.Command({"GET", Key("missing")});
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(IsNil(**missing));
  EXPECT_FALSE(IsArray(**missing));
  EXPECT_EQ(AsString(**missing), "");
  EXPECT_EQ(AsInt(**missing), 0);

  ASSERT_TRUE(redis.Command({"RPUSH", Key("list"), "one", "42", "three"}).ok());
  absl::StatusOr<ReplyPtr> range = redis.Command({"LRANGE", Key("list"), "0", "-1"});
  ASSERT_TRUE(range.ok());
  ASSERT_TRUE(IsArray(**range));
  ASSERT_EQ(ArraySize(**range), 3u);
  EXPECT_EQ(AsString(ArrayAt(**range, 0)), "one");
  EXPECT_EQ(AsInt(ArrayAt(**range, 1)), 42);  // a decimal string reads as a number
  EXPECT_EQ(AsInt(ArrayAt(**range, 2)), 0);   // not a number
  EXPECT_TRUE(IsNil(ArrayAt(**range, 3)));    // out of range reads as nil, no crash
  EXPECT_EQ(ArraySize(**missing), 0u);

  absl::StatusOr<ReplyPtr> count = redis.Command({"INCRBY", Key("n"), "5"});
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(AsInt(**count), 5);
  EXPECT_EQ(AsString(**count), "");                        // integers are not strings
  EXPECT_EQ(AsString(**redis.Command({"PING"})), "PONG");  // status replies are
}

TEST_F(RedisClientTest, ErrorReplyIsInternalWithRedisMessage) {
  RedisClient redis(options_);
  ASSERT_TRUE(redis.Command({"SET", Key("text"), "abc"}).ok());
  absl::StatusOr<ReplyPtr> reply = redis.Command({"INCR", Key("text")});
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(absl::StartsWith(reply.status().message(), "ERR value is not an integer"))
      << reply.status();
  EXPECT_EQ(redis.Command({}).status().code(), absl::StatusCode::kInvalidArgument);
  // The connection is still good after an error reply.
  EXPECT_TRUE(redis.Ping().ok());
}

TEST_F(RedisClientTest, PipelineKeepsOrderAndErrorReplies) {
  RedisClient redis(options_);
  absl::StatusOr<std::vector<ReplyPtr>> replies = redis.Pipeline({
      {"SET", Key("p"), "x"},
      {"HGET", Key("p"), "field"},  // WRONGTYPE
      {"APPEND", Key("p"), "y"},
      {"GET", Key("p")},
  });
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), 4u);
  EXPECT_EQ(AsString(*(*replies)[0]), "OK");
  EXPECT_TRUE(absl::StartsWith(AsString(*(*replies)[1]), "WRONGTYPE"));
  EXPECT_EQ(AsInt(*(*replies)[2]), 2);
  EXPECT_EQ(AsString(*(*replies)[3]), "xy");
}

TEST_F(RedisClientTest, UnreachableRedisIsUnavailableWithAHint) {
  RedisOptions options;
  options.port = ClosedPort();
  ASSERT_NE(options.port, 0) << "no free local port";
  RedisClient redis(options);
  for (int attempt = 0; attempt < 2; ++attempt) {  // and it stays well-behaved
    absl::Status status = redis.Ping();
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
    EXPECT_TRUE(absl::StrContains(status.message(), absl::StrCat("127.0.0.1:", options.port)))
        << status;
    EXPECT_TRUE(absl::StrContains(status.message(), "unreachable")) << status;
    EXPECT_TRUE(absl::StrContains(status.message(), "is redis-server running?")) << status;
    EXPECT_TRUE(absl::StrContains(status.message(), "EVENTS_REDIS_URL")) << status;
  }
  EXPECT_EQ(redis.Eval(LuaScript("s", "return 1"), {}, {}).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(redis.Pipeline({{"PING"}}).status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(RedisClientTest, WrongPasswordOrDbIsFailedPrecondition) {
  RedisOptions wrong_password = options_;
  wrong_password.password = "not-the-password";
  absl::Status status = RedisClient(wrong_password).Ping();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "refused the password")) << status;
  EXPECT_FALSE(absl::StrContains(status.message(), "not-the-password")) << status;

  RedisOptions wrong_db = options_;
  wrong_db.db = 100000;
  status = RedisClient(wrong_db).Ping();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "refused database 100000")) << status;
}

TEST_F(RedisClientTest, SelectsTheConfiguredDb) {
  if (Cluster()) GTEST_SKIP() << "a Redis Cluster has only database 0";
  RedisOptions db1 = options_;
  db1.db = 1;
  RedisClient redis(db1);
  ASSERT_TRUE(redis.Command({"SET", Key("in-db1"), "1"}).ok());
  EXPECT_TRUE(IsNil(**admin_->Command({"GET", Key("in-db1")})));  // admin is on db 0
  EXPECT_EQ(AsString(**redis.Command({"GET", Key("in-db1")})), "1");
  ASSERT_TRUE(redis.Command({"DEL", Key("in-db1")}).ok());
}

TEST_F(RedisClientTest, EvalUsesEvalshaAndReloadsAfterScriptFlush) {
  RedisClient redis(options_);
  // A fresh source per test run, so the flush below is what makes Redis forget it.
  const LuaScript script("set_and_echo", absl::StrCat("-- ", prefix_, "\n",
                                                      "redis.call('SET', KEYS[1], ARGV[1])\n"
                                                      "return {KEYS[1], ARGV[1]}"));
  auto run = [&](const std::string& value) {
    absl::StatusOr<ReplyPtr> reply = redis.Eval(script, {Key("s")}, {value});
    ASSERT_TRUE(reply.ok()) << reply.status();
    ASSERT_EQ(ArraySize(**reply), 2u);
    EXPECT_EQ(AsString(ArrayAt(**reply, 0)), Key("s"));
    EXPECT_EQ(AsString(ArrayAt(**reply, 1)), value);
  };
  // On any primary (in a cluster, the one that serves the key).
  auto cached = [&] {
    absl::StatusOr<std::vector<ReplyPtr>> nodes =
        admin_->CommandOnEveryPrimary({"SCRIPT", "EXISTS", script.sha1()});
    EXPECT_TRUE(nodes.ok()) << nodes.status();
    bool found = false;
    for (const ReplyPtr& node : *nodes) found = found || AsInt(ArrayAt(*node, 0)) == 1;
    return found;
  };
  run("first");
  EXPECT_TRUE(cached());  // loaded under the SHA1 we computed
  ASSERT_TRUE(admin_->CommandOnEveryPrimary({"SCRIPT", "FLUSH"}).ok());
  EXPECT_FALSE(cached());
  run("after flush");  // NOSCRIPT, SCRIPT LOAD, EVALSHA again
  EXPECT_TRUE(cached());
  EXPECT_EQ(AsString(**redis.Command({"GET", Key("s")})), "after flush");
}

TEST_F(RedisClientTest, ScriptErrorsAreInternal) {
  RedisClient redis(options_);
  absl::StatusOr<ReplyPtr> reply = redis.Eval(
      LuaScript("raises",
                absl::StrCat("-- ", prefix_, "\nreturn redis.error_reply('FULL no room')")),
      {}, {});
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(absl::StartsWith(reply.status().message(), "FULL no room")) << reply.status();

  reply = redis.Eval(LuaScript("broken", absl::StrCat("-- ", prefix_, "\nreturn (")), {}, {});
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(absl::StrContains(reply.status().message(), "Could not load Lua script broken"))
      << reply.status();
}

TEST_F(RedisClientTest, ManyThreadsShareASmallPool) {
  options_.pool_size = 4;
  RedisClient redis(options_);
  constexpr int kThreads = 16;
  constexpr int kIncrements = 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        if (!redis.Command({"INCR", Key("counter")}).ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(AsInt(**redis.Command({"GET", Key("counter")})), kThreads * kIncrements);
  EXPECT_LE(OurClients().size(), 4u);  // never more connections than the pool size
  EXPECT_GE(OurClients().size(), 1u);
}

TEST_F(RedisClientTest, ReconnectsAfterIdleConnectionsAreKilled) {
  // Decision: a connection Redis closed while it sat idle is noticed before use and
  // replaced, so the next call succeeds outright. (CLIENT KILL by id of this test's
  // connections, not TYPE normal, which would cut tests running in parallel.)
  RedisClient redis(options_);
  ASSERT_TRUE(redis.Command({"SET", Key("r"), "1"}).ok());
  const std::vector<std::string> before = OurClients();
  ASSERT_FALSE(before.empty());
  KillOurConnections();
  ASSERT_TRUE(OurClients().empty());

  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<ReplyPtr> reply = redis.Command({"INCR", Key("r")});
    ASSERT_TRUE(reply.ok()) << "call " << i << ": " << reply.status();
    EXPECT_EQ(AsInt(**reply), 2 + i);
  }
  const std::vector<std::string> after = OurClients();
  ASSERT_EQ(after.size(), 1u);
  for (const std::string& id : before) EXPECT_NE(after[0], id);
}

TEST_F(RedisClientTest, CommandCutOffMidwayIsUnavailableThenNextCallWorks) {
  // A command in flight when the connection dies fails (it may or may not have run, so it
  // is never resent); the call after it reconnects.
  options_.command_timeout = std::chrono::milliseconds(10000);
  RedisClient redis(options_);
  absl::Status blocked;
  std::thread waiter([&] { blocked = redis.Command({"BLPOP", Key("never"), "8"}).status(); });
  ASSERT_TRUE(WaitUntilRunning("blpop"));
  KillOurConnections();
  waiter.join();
  EXPECT_EQ(blocked.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(blocked.message(), "closed the connection during BLPOP"))
      << blocked;
  EXPECT_TRUE(redis.Ping().ok());
}

TEST_F(RedisClientTest, TimeoutIsUnavailableAndTheLateReplyIsNeverMisread) {
  options_.command_timeout = std::chrono::milliseconds(200);
  RedisClient redis(options_);
  absl::StatusOr<ReplyPtr> reply = redis.Command({"BLPOP", Key("slow"), "2"});
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(reply.status().message(), "did not answer BLPOP within 200ms"))
      << reply.status();
  // The timed-out connection is gone, so its BLPOP cannot steal this value or answer for
  // the next command.
  ASSERT_TRUE(redis.Command({"RPUSH", Key("slow"), "value"}).ok());
  absl::StatusOr<ReplyPtr> popped = redis.Command({"LPOP", Key("slow")});
  ASSERT_TRUE(popped.ok()) << popped.status();
  EXPECT_EQ(AsString(**popped), "value");
}

TEST_F(RedisClientTest, WaitingForAFreeConnectionTimesOut) {
  options_.pool_size = 1;
  options_.pool_wait_timeout = std::chrono::milliseconds(100);
  options_.command_timeout = std::chrono::milliseconds(10000);
  RedisClient redis(options_);
  absl::StatusOr<ReplyPtr> blocked;
  std::thread holder([&] { blocked = redis.Command({"BLPOP", Key("wake"), "8"}); });
  ASSERT_TRUE(WaitUntilRunning("blpop"));

  absl::Status status = redis.Ping();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(status.message(), "no free Redis connection after 100ms"))
      << status;

  ASSERT_TRUE(admin_->Command({"RPUSH", Key("wake"), "go"}).ok());
  holder.join();
  ASSERT_TRUE(blocked.ok()) << blocked.status();
  EXPECT_EQ(AsString(ArrayAt(**blocked, 1)), "go");
  EXPECT_TRUE(redis.Ping().ok());  // the connection came back to the pool
}

}  // namespace
}  // namespace events::redis
