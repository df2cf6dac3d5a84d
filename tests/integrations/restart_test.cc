// The integrations_server binary killed (SIGKILL) while deliveries are pending, then started
// again: every event still arrives, and the only duplicates are repeats of the same
// webhook-id with the same body.
#include <netinet/in.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <map>
#include <set>

#include "common/auth/key_store.h"
#include "common/bus/event_bus.h"
#include "common/bus/keyspace.h"
#include "common/redis/redis_client.h"
#include "common/testing/redis_for_test.h"
#include "common/testing/sanitizer_env.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "gtest/gtest.h"
#include "services/integrations/domain/integrations.h"
#include "services/integrations/store/redis_integrations_store.h"
#include "services/integrations/webhooks/secret_box.h"
#include "tests/integrations/integrations_test_support.h"
#include "tests/integrations/webhook_receiver.h"

extern char** environ;

namespace events::integrations {
namespace {

using testing::IndependentlyVerified;
using testing::WebhookReceiver;

constexpr char kKey[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

// A port nothing listens on right now, or 0 when the kernel would not give one.
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

class RestartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(receiver_.port(), 0) << "the webhook receiver could not listen";
    auto options = events::testing::TestRedisOptions();
    ASSERT_FALSE(HasFailure());
    redis_ = std::make_unique<redis::RedisClient>(options);
    prefix_ = events::testing::UniqueKeyPrefix();
    keys_ = std::make_unique<bus::Keyspace>(prefix_, 4);
    store_ = std::make_unique<RedisIntegrationsStore>(*redis_, *keys_,
                                                      RedisIntegrationsStore::Options{});
    box_ = std::make_unique<SecretBox>(*SecretBox::FromBase64(kKey));
    UrlPolicy policy;
    policy.allow_http_loopback = true;
    integrations_ = std::make_unique<Integrations>(
        *store_, key_store_, registrations_, *box_, *keys_, clock_, ids_, policy,
        [](const events::v1::DomainEvent&) { return absl::OkStatus(); });
  }
  void TearDown() override {
    if (pid_ > 0) Stop(SIGTERM);
  }

  void Start() {
    const int port = FreePort();
    ASSERT_NE(port, 0) << "no free port for the server";
    std::vector<std::string> env = {
        "EVENTS_GRPC_PORT=" + std::to_string(port),
        "EVENTS_METRICS_PORT=0",
        "EVENTS_LISTEN_HOST=127.0.0.1",
        std::string("EVENTS_REDIS_URL=") + std::getenv("EVENTS_TEST_REDIS_URL"),
        "EVENTS_REDIS_KEY_PREFIX=" + prefix_,
        "EVENTS_PARTITIONS=4",
        "EVENTS_SERVICE_KEY=evk_unused_in_this_test",
        "EVENTS_REGISTRATION_ADDR=127.0.0.1:1",
        std::string("INTEGRATIONS_ENCRYPTION_KEY=") + kKey,
        "INTEGRATIONS_ALLOW_HTTP_LOOPBACK=true",
        "INTEGRATIONS_TEST_RETRY_DIVISOR=100000",
        "INTEGRATIONS_POLL_MS=20",
        "INTEGRATIONS_HTTP_TIMEOUT_MS=1000",
        "INTEGRATIONS_LEASE_MS=2500",
        "INTEGRATIONS_CLAIM_IDLE_MS=1500",
        "EVENTS_LOG_LEVEL=warn"};
    for (std::string& e : events::testing::SanitizerEnvironment()) env.push_back(std::move(e));
    std::vector<char*> envp;
    envp.reserve(env.size() + 1);
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    char* argv[] = {const_cast<char*>(INTEGRATIONS_SERVER_PATH), nullptr};
    ASSERT_EQ(posix_spawn(&pid_, INTEGRATIONS_SERVER_PATH, nullptr, nullptr, argv, envp.data()), 0);
  }
  void Stop(int signal) {
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  std::string Publish() {
    events::v1::EventReminderDue due;
    due.set_event_id("ev_x");
    due.set_org_id("org_a");
    due.set_minutes_before(60);
    events::v1::DomainEvent e;
    e.set_id(ids_.New("de"));
    e.set_type("event.reminder_due");
    e.set_source("scheduling");
    e.set_time_unix_ms(clock_.NowUnixMs());
    e.set_org_id("org_a");
    e.set_data_type("events.v1.EventReminderDue");
    e.set_data(due.SerializeAsString());
    EXPECT_TRUE(bus::Publish(*redis_, *keys_, keys_->PartitionOf(e.id()), e).ok());
    return e.id();
  }

  // Ids that were answered 200 at least once.
  std::set<std::string> Delivered() {
    std::set<std::string> out;
    for (const auto& r : receiver_.Requests()) {
      if (r.answer == 200) out.insert(r.Header("webhook-id"));
    }
    return out;
  }

  WebhookReceiver receiver_;
  SystemClock clock_;
  IdGenerator ids_{clock_};
  auth::FakeKeyStore key_store_;
  testing::FakeRegistrations registrations_;
  std::unique_ptr<redis::RedisClient> redis_;
  std::string prefix_;
  std::unique_ptr<bus::Keyspace> keys_;
  std::unique_ptr<RedisIntegrationsStore> store_;
  std::unique_ptr<SecretBox> box_;
  std::unique_ptr<Integrations> integrations_;
  pid_t pid_ = -1;
};

TEST_F(RestartTest, AKilledProcessLosesNothingAndRepeatsOnlyTheSameIds) {
  events::v1::CreateWebhookRequest req;
  req.set_url(receiver_.Url());
  req.add_event_types("event.*");
  auto hook = integrations_->CreateWebhook("org_a", req);
  ASSERT_TRUE(hook.ok()) << hook.status();
  // The receiver fails for a while, so tries are pending when the process dies.
  receiver_.Program(std::vector<int>(40, 500));
  std::set<std::string> published;
  for (int i = 0; i < 50; ++i) published.insert(Publish());
  Start();
  ASSERT_TRUE(receiver_.WaitFor(15, std::chrono::seconds(20)));
  Stop(SIGKILL);
  ASSERT_LT(Delivered().size(), published.size());
  for (int i = 0; i < 20; ++i) published.insert(Publish());
  Start();
  ASSERT_TRUE(testing::Eventually([&] { return Delivered() == published; }, nullptr,
                                  std::chrono::seconds(60)))
      << Delivered().size() << " of " << published.size() << " delivered";
  std::map<std::string, std::string> body_of;
  for (const auto& r : receiver_.Requests()) {
    const std::string id = r.Header("webhook-id");
    EXPECT_EQ(published.count(id), 1u) << id;
    auto [it, first] = body_of.emplace(id, r.body);
    EXPECT_EQ(it->second, r.body) << "a repeat of " << id << " with another body";
    EXPECT_TRUE(IndependentlyVerified(hook->secret(), id, r.Header("webhook-timestamp"), r.body,
                                      r.Header("webhook-signature")));
  }
}

}  // namespace
}  // namespace events::integrations
