// Register against a Redis that stops answering: a redis-server of the test's own, frozen
// with SIGSTOP (as a hung host, a long fork or a stuck disk freezes it: connections stay
// open, nothing is answered). The callers' deadlines must hold end to end: every call comes
// back within its deadline, and nothing is written after it, even once Redis resumes and
// runs what was already sent to it.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/bus/keyspace.h"
#include "common/redis/redis_client.h"
#include "common/testing/own_redis_server.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "common/util/thread_pool.h"
#include "gtest/gtest.h"
#include "services/registration/domain/registrar.h"
#include "services/registration/store/redis_registration_store.h"
#include "tests/registration/registration_test_support.h"

namespace events::registration {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;
using testing::OpenEvent;
using testing::Person;

struct Answer {
  absl::StatusOr<Registered> result = absl::UnknownError("no answer");
  steady_clock::time_point deadline;
  steady_clock::time_point answered;
};

TEST(FrozenRedisTest, RegistersComeBackWithinTheirDeadlineAndWriteNothingAfterIt) {
  events::testing::OwnRedisServer server;
  ASSERT_TRUE(server.Start({"--appendonly", "no", "--loglevel", "warning"}))
      << "could not start redis-server";
  // The production defaults: 2 s command timeout, 8 connections, 2 s pool wait.
  redis::RedisOptions options = server.Options();
  options.client_name = "frozen-redis-test";
  auto redis = std::make_unique<redis::RedisClient>(options);
  bus::Keyspace keys("t:frozen:", 16);
  auto store =
      std::make_unique<RedisRegistrationStore>(*redis, keys, RedisRegistrationStore::Options{});
  testing::FakeEventDirectory directory;
  SystemClock clock;
  IdGenerator ids(clock);
  RegistrarOptions registrar_options;
  registrar_options.limit_per_address_per_minute = 0;
  registrar_options.limit_per_event_per_second = 0;
  auto registrar = std::make_unique<Registrar>(*store, directory, clock, ids, registrar_options);
  const std::string event = ids.New("ev");
  EventFacts facts = OpenEvent(event, 1000);
  facts.registration_opens_unix_ms = clock.NowUnixMs() - 1000;
  facts.registration_closes_unix_ms = clock.NowUnixMs() + 3600000;
  directory.Put(facts);
  ThreadPool slow(4);

  // One registration while Redis answers: facts, settings and scripts are in place, the
  // settings cached, so the next ones take the usual (queued) path.
  ASSERT_TRUE(registrar->Register(Person(event, 0), "10.0.0.1").ok());

  server.Freeze();
  constexpr int kCalls = 64;
  constexpr milliseconds kDeadline(600);
  std::vector<events::v1::RegisterRequest> requests;
  for (int i = 1; i <= kCalls; ++i) requests.push_back(Person(event, i));
  std::vector<Answer> answers(kCalls);
  std::mutex mu;
  std::condition_variable all_done;
  int done = 0;
  for (int i = 0; i < kCalls; ++i) {
    answers[i].deadline = steady_clock::now() + kDeadline;
    registrar->RegisterAsync(
        requests[i], "10.0.0.1", slow,
        [&, i](absl::StatusOr<Registered> result) {
          std::lock_guard<std::mutex> lock(mu);
          answers[i].result = std::move(result);
          answers[i].answered = steady_clock::now();
          ++done;
          all_done.notify_all();
        },
        std::chrono::system_clock::now() + kDeadline);
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(all_done.wait_for(lock, std::chrono::seconds(10), [&] { return done == kCalls; }))
        << done << " of " << kCalls << " answered in 10 s";
  }
  // Scheduling on a loaded test machine may add a little; a queued call must not wait for
  // the 2 s command timeout, nor for Redis.
  constexpr milliseconds kSlack(150);
  for (int i = 0; i < kCalls; ++i) {
    const Answer& a = answers[i];
    EXPECT_FALSE(a.result.ok()) << i;
    const auto code = a.result.status().code();
    EXPECT_TRUE(code == absl::StatusCode::kUnavailable ||
                code == absl::StatusCode::kResourceExhausted ||
                code == absl::StatusCode::kDeadlineExceeded)
        << i << ": " << a.result.status();
    EXPECT_LE(a.answered, a.deadline + kSlack)
        << i << " answered "
        << std::chrono::duration_cast<milliseconds>(a.answered - a.deadline).count()
        << " ms after its deadline: " << a.result.status();
  }

  // Redis stays frozen past every caller's deadline (the case where a write would come too
  // late; one that resumes sooner may still make a registration the caller heard
  // UNAVAILABLE for: "outcome unknown", which a retry with the same key resolves), then
  // resumes and runs whatever reached it before the connections were dropped. Once
  // this process has closed its connections and Redis has let go of every client but the
  // checker's, everything sent has run.
  steady_clock::time_point last_deadline = answers.front().deadline;
  for (const Answer& a : answers) last_deadline = std::max(last_deadline, a.deadline);
  std::this_thread::sleep_until(last_deadline + milliseconds(50));
  server.Thaw();
  registrar.reset();
  store.reset();
  redis.reset();
  redis::RedisOptions check_options = server.Options();
  check_options.pool_size = 1;
  redis::RedisClient check(check_options);
  const auto until = steady_clock::now() + std::chrono::seconds(10);
  size_t clients = 0;
  while (steady_clock::now() < until) {
    auto list = check.Command({"CLIENT", "LIST"});
    ASSERT_TRUE(list.ok()) << list.status();
    const std::string text = redis::AsString(**list);
    clients = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
    if (clients <= 1) break;
    std::this_thread::sleep_for(milliseconds(20));
  }
  ASSERT_LE(clients, 1u) << "Redis still holds connections of the test's client";
  RedisRegistrationStore::Options reader_options;
  reader_options.register_senders = 0;
  RedisRegistrationStore reader(check, keys, reader_options);
  auto page = reader.List(event, events::v1::REGISTRATION_STATUS_UNSPECIFIED, "", 0, 100);
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->registrations.size(), 1u)
      << "registrations written after their callers' deadline";
}

}  // namespace
}  // namespace events::registration
