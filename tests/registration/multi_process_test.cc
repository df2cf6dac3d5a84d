// The burst an invitation e-mail brings: 2,000 people registering at once for 100 places,
// spread over 4 registration_server processes sharing one Redis. Capacity must hold
// exactly, the waiting list must follow the servers' order, and cancellations must promote
// exactly the next people in line.
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <map>
#include <thread>

#include "common/testing/sanitizer_env.h"
#include "common/util/clock.h"
#include "events/v1/registration.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/registration/registration_test_support.h"

extern char** environ;

namespace events::registration {
namespace {

using events::v1::RegistrationService;

constexpr int kProcesses = 4;
constexpr int kPeople = 2000;
constexpr int kPlaces = 100;
constexpr int kClients = 40;

// A free local port chosen by the kernel; 0 when it gave none (the caller asserts against it
// rather than start a server on port 0).
int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
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

struct Answer {
  std::string id, token;
  events::v1::RegistrationStatus status;
  int64_t sequence;
  int32_t position;
};

class MultiProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = events::testing::TestRedisOptions();
    ASSERT_FALSE(HasFailure());
    redis_ = std::make_unique<redis::RedisClient>(options_);
    prefix_ = events::testing::UniqueKeyPrefix();
    keys_ = std::make_unique<bus::Keyspace>(prefix_, 16);
    store_ = std::make_unique<RedisRegistrationStore>(*redis_, *keys_,
                                                      RedisRegistrationStore::Options{});
    SystemClock clock;
    IdGenerator ids(clock);
    event_ = ids.New("ev");
    // The facts as scheduling's projection would have them: open now, for 100 places.
    EventFacts facts = testing::OpenEvent(event_, kPlaces);
    facts.registration_opens_unix_ms = clock.NowUnixMs() - 3600000;
    facts.registration_closes_unix_ms = clock.NowUnixMs() + 30LL * 86400000;
    ASSERT_TRUE(store_->UpsertFacts(facts).ok());

    const std::string redis_url = std::getenv("EVENTS_TEST_REDIS_URL");
    for (int i = 0; i < kProcesses; ++i) {
      const int port = FreePort();
      ASSERT_NE(port, 0) << "no free port for registration process " << i;
      std::vector<std::string> env = {
          "EVENTS_GRPC_PORT=" + std::to_string(port),
          "EVENTS_METRICS_PORT=0",
          "EVENTS_LISTEN_HOST=127.0.0.1",
          "EVENTS_REDIS_URL=" + redis_url,
          "EVENTS_REDIS_KEY_PREFIX=" + prefix_,
          "EVENTS_PARTITIONS=16",  // as keys_ above
          "EVENTS_SERVICE_KEY=evk_unused_in_this_test",
          "REGISTRATION_LINK_SECRET=the same link secret on every replica",
          "EVENTS_SCHEDULING_ADDR=127.0.0.1:1",
          "REGISTRATION_FACTS_PROJECTOR=false",
          "REGISTRATION_RATE_PER_ADDRESS=0",
          "REGISTRATION_RATE_PER_EVENT=0",
          "EVENTS_LOG_LEVEL=warn",
          "EVENTS_REDIS_POOL_SIZE=16"};
      for (std::string& e : events::testing::SanitizerEnvironment()) env.push_back(std::move(e));
      std::vector<char*> envp;
      envp.reserve(env.size() + 1);
      for (auto& e : env) envp.push_back(e.data());
      envp.push_back(nullptr);
      char* argv[] = {const_cast<char*>(REGISTRATION_SERVER_PATH), nullptr};
      pid_t pid = 0;
      ASSERT_EQ(posix_spawn(&pid, REGISTRATION_SERVER_PATH, nullptr, nullptr, argv, envp.data()),
                0);
      pids_.push_back(pid);
      stubs_.push_back(RegistrationService::NewStub(grpc::CreateChannel(
          "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials())));
    }
    for (auto& stub : stubs_) WaitUntilServing(*stub);
  }

  void TearDown() override {
    for (pid_t pid : pids_) kill(pid, SIGTERM);
    for (pid_t pid : pids_) {
      int status = 0;
      waitpid(pid, &status, 0);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "pid " << pid;
    }
  }

  void WaitUntilServing(RegistrationService::Stub& stub) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      grpc::ClientContext ctx;
      ctx.set_wait_for_ready(true);  // wait for the process to listen, without backing off
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
      events::v1::GetRegistrationFormRequest req;
      req.set_event_id(event_);
      events::v1::RegistrationSettings resp;
      if (stub.GetRegistrationForm(&ctx, req, &resp).ok()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "a registration_server did not start serving within 20 s";
  }

  redis::RedisOptions options_;
  std::unique_ptr<redis::RedisClient> redis_;
  std::string prefix_;
  std::unique_ptr<bus::Keyspace> keys_;
  std::unique_ptr<RedisRegistrationStore> store_;
  std::string event_;
  std::vector<pid_t> pids_;
  std::vector<std::unique_ptr<RegistrationService::Stub>> stubs_;
};

TEST_F(MultiProcessTest, TwoThousandAtOnceForAHundredPlaces) {
  std::vector<Answer> answers(kPeople);
  std::atomic<int> next{0}, failures{0};
  std::vector<std::thread> clients;
  clients.reserve(kClients);
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int i = next++; i < kPeople; i = next++) {
        events::v1::RegisterRequest req = testing::Person(event_, i);
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
        events::v1::RegisterResponse resp;
        grpc::Status s = stubs_[(i + c) % kProcesses]->Register(&ctx, req, &resp);
        if (!s.ok()) {
          ++failures;
          continue;
        }
        answers[i] = {resp.registration().id(), resp.registration_token(),
                      resp.registration().status(), resp.registration().sequence(),
                      resp.registration().waitlist_position()};
      }
    });
  }
  for (auto& t : clients) t.join();
  ASSERT_EQ(failures.load(), 0);

  std::sort(answers.begin(), answers.end(),
            [](const Answer& a, const Answer& b) { return a.sequence < b.sequence; });
  int confirmed = 0, waitlisted = 0;
  for (int i = 0; i < kPeople; ++i) {
    const Answer& a = answers[i];
    ASSERT_EQ(a.sequence, i + 1) << "every registration has its own place in server order";
    if (i < kPlaces) {
      EXPECT_EQ(a.status, events::v1::REGISTRATION_STATUS_CONFIRMED) << "seq " << a.sequence;
      confirmed += a.status == events::v1::REGISTRATION_STATUS_CONFIRMED;
    } else {
      EXPECT_EQ(a.status, events::v1::REGISTRATION_STATUS_WAITLISTED) << "seq " << a.sequence;
      EXPECT_EQ(a.position, i + 1 - kPlaces) << "seq " << a.sequence;
      waitlisted += a.status == events::v1::REGISTRATION_STATUS_WAITLISTED;
    }
  }
  EXPECT_EQ(confirmed, kPlaces);
  EXPECT_EQ(waitlisted, kPeople - kPlaces);

  // Ten confirmed people cancel, at once, through different processes.
  std::vector<std::thread> cancellers;
  cancellers.reserve(10);
  for (int k = 0; k < 10; ++k) {
    cancellers.emplace_back([&, k] {
      grpc::ClientContext ctx;
      events::v1::CancelMyRegistrationRequest req;
      req.set_registration_token(answers[static_cast<size_t>(k) * 7].token);
      events::v1::Registration resp;
      grpc::Status s = stubs_[k % kProcesses]->CancelMyRegistration(&ctx, req, &resp);
      EXPECT_TRUE(s.ok()) << s.error_message();
      EXPECT_EQ(resp.status(), events::v1::REGISTRATION_STATUS_CANCELLED);
    });
  }
  for (auto& t : cancellers) t.join();

  // Exactly the next ten in line now have places; the eleventh is first in line.
  auto status_of = [&](const Answer& a) {
    grpc::ClientContext ctx;
    events::v1::GetMyRegistrationRequest req;
    req.set_registration_token(a.token);
    events::v1::Registration resp;
    EXPECT_TRUE(stubs_[0]->GetMyRegistration(&ctx, req, &resp).ok());
    return resp;
  };
  for (int i = kPlaces; i < kPlaces + 10; ++i) {
    EXPECT_EQ(status_of(answers[i]).status(), events::v1::REGISTRATION_STATUS_CONFIRMED)
        << "seq " << answers[i].sequence;
  }
  auto eleventh = status_of(answers[kPlaces + 10]);
  EXPECT_EQ(eleventh.status(), events::v1::REGISTRATION_STATUS_WAITLISTED);
  EXPECT_EQ(eleventh.waitlist_position(), 1);
  auto counts = store_->Counts(event_, {});
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->taken_general, kPlaces);
  EXPECT_EQ(counts->confirmed, kPlaces);
  EXPECT_EQ(counts->waitlisted, kPeople - kPlaces - 10);
  EXPECT_EQ(counts->cancelled, 10);
}

}  // namespace
}  // namespace events::registration
