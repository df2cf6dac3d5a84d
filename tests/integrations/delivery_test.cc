// Webhook delivery end to end against a real Redis and a real local HTTP receiver: domain
// events in, signed requests out, retries, 410, dead letters and replays.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <thread>
#include <utility>

#include "common/auth/key_store.h"
#include "common/bus/event_bus.h"
#include "common/bus/keyspace.h"
#include "common/bus/stream_worker.h"
#include "common/redis/redis_client.h"
#include "common/testing/redis_for_test.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/integrations/contacts/contacts_projector.h"
#include "services/integrations/delivery/dispatcher.h"
#include "services/integrations/delivery/event_intake.h"
#include "services/integrations/delivery/webhook_sender.h"
#include "services/integrations/delivery/worker_options.h"
#include "services/integrations/domain/integrations.h"
#include "services/integrations/server/integrations_metrics.h"
#include "services/integrations/store/redis_integrations_store.h"
#include "services/integrations/webhooks/secret_box.h"
#include "tests/common/metrics/registry_reader.h"
#include "tests/integrations/integrations_test_support.h"
#include "tests/integrations/webhook_receiver.h"

namespace events::integrations {
namespace {

using testing::Eventually;
using ::testing::HasSubstr;
using testing::IndependentlyVerified;
using ::testing::Not;
using testing::WebhookReceiver;

constexpr char kKey[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

class DeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(receiver_.port(), 0) << "the webhook receiver could not listen";
    auto options = events::testing::TestRedisOptions();
    ASSERT_FALSE(HasFailure());
    redis_ = std::make_unique<redis::RedisClient>(options);
    keys_ = std::make_unique<bus::Keyspace>(events::testing::UniqueKeyPrefix(), 4);
    store_ = std::make_unique<RedisIntegrationsStore>(*redis_, *keys_,
                                                      RedisIntegrationsStore::Options{});
    box_ = std::make_unique<SecretBox>(*SecretBox::FromBase64(kKey));
    UrlPolicy policy;
    policy.allow_http_loopback = true;
    integrations_ = std::make_unique<Integrations>(
        *store_, key_store_, registrations_, *box_, *keys_, clock_, ids_, policy,
        [this](const events::v1::DomainEvent& e) {
          return bus::Publish(*redis_, *keys_, keys_->PartitionOf(e.org_id()), e).status();
        });
    CurlSenderOptions sender_options;
    sender_options.policy = policy;
    sender_options.timeout = std::chrono::milliseconds(2000);
    sender_ = std::make_unique<CurlSender>(sender_options);
    DispatcherOptions dispatch;
    dispatch.lease = std::chrono::milliseconds(10000);
    dispatch.try_time = std::chrono::milliseconds(2000);
    dispatch.retry_scale = 1e-6;  // the 75-hour schedule in about 0.3 s
    dispatcher_ = std::make_unique<Dispatcher>(*store_, *box_, *sender_, clock_, dispatch,
                                               metrics_.DispatcherCountersOf(), [] { return 0.5; });
    // As main.cc has them, but entries left pending come back after 1 ms instead of 30 s.
    consumer_ = std::make_unique<bus::Consumer>(
        *redis_, *keys_,
        WorkerConsumerOptions(kWebhookGroup, "test", std::chrono::milliseconds(1)));
    ASSERT_TRUE(consumer_->EnsureGroups().ok());
    contacts_consumer_ = std::make_unique<bus::Consumer>(
        *redis_, *keys_,
        WorkerConsumerOptions(kContactsGroup, "test", std::chrono::milliseconds(1)));
    ASSERT_TRUE(contacts_consumer_->EnsureGroups().ok());
    contacts_ = std::make_unique<ContactsProjector>(*store_, registrations_);
    intake_ = std::make_unique<EventIntake>(*consumer_, *store_, clock_, EventIntakeOptions{},
                                            EventIntakeCounters{});
    contacts_worker_ = std::make_unique<bus::StreamWorker>(
        "contacts", *contacts_consumer_,
        [this](const bus::Delivery& d) { return contacts_->Apply(d.event); });
  }

  events::v1::WebhookWithSecret Subscribe(const std::string& org, std::vector<std::string> types) {
    events::v1::CreateWebhookRequest req;
    req.set_url(receiver_.Url());
    for (auto& t : types) req.add_event_types(std::move(t));
    auto made = integrations_->CreateWebhook(org, req);
    EXPECT_TRUE(made.ok()) << made.status();
    return made.ok() ? *made : events::v1::WebhookWithSecret();
  }

  std::string Publish(const std::string& org, const std::string& type,
                      const google::protobuf::Message& data) {
    events::v1::DomainEvent e;
    e.set_id(ids_.New("de"));
    e.set_type(type);
    e.set_source("test");
    e.set_time_unix_ms(clock_.NowUnixMs());
    e.set_subject("ev_x");
    e.set_org_id(org);
    e.set_data_type(data.GetDescriptor()->full_name());
    e.set_data(data.SerializeAsString());
    auto published = bus::Publish(*redis_, *keys_, keys_->PartitionOf(e.id()), e);
    EXPECT_TRUE(published.ok()) << published.status();
    return e.id();
  }

  void Step() {
    (void)intake_->RunOnce();
    (void)contacts_worker_->RunOnce();
    (void)dispatcher_->RunOnce();
  }

  std::vector<events::v1::DeliveryAttempt> Log(const std::string& org, const std::string& wh) {
    events::v1::ListDeliveriesRequest req;
    req.set_webhook_id(wh);
    req.set_limit(100);
    auto log = integrations_->ListDeliveries(org, req);
    if (!log.ok()) return {};
    return {log->attempts().begin(), log->attempts().end()};
  }

  bool LastStateIs(const std::string& org, const std::string& wh, events::v1::DeliveryState s) {
    auto log = Log(org, wh);
    return !log.empty() && log.front().state() == s;
  }

  static events::v1::EventReminderDue Reminder() {
    events::v1::EventReminderDue due;
    due.set_event_id("ev_x");
    due.set_org_id("org_a");
    due.set_minutes_before(60);
    return due;
  }

  // events_webhook_... of the dispatcher: `name`{labels}'s value (a histogram's count).
  double Metric(const std::string& name, const std::map<std::string, std::string>& labels) {
    return events::testing::MetricValue(registry_, name, labels);
  }
  // A histogram's sum, and how many samples were at most `le`.
  std::pair<double, double> SumAndAtMost(const std::string& name, const std::string& outcome,
                                         double le) {
    for (const prometheus::MetricFamily& family : registry_.Collect()) {
      if (family.name != name) continue;
      for (const prometheus::ClientMetric& m : family.metric) {
        if (m.label.empty() || m.label[0].value != outcome) continue;
        double at_most = 0;
        for (const auto& bucket : m.histogram.bucket) {
          if (bucket.upper_bound == le) at_most = static_cast<double>(bucket.cumulative_count);
        }
        return {m.histogram.sample_sum, at_most};
      }
    }
    return {0, 0};
  }

  prometheus::Registry registry_;
  IntegrationsMetrics metrics_{registry_};
  WebhookReceiver receiver_;
  SystemClock clock_;
  IdGenerator ids_{clock_};
  auth::FakeKeyStore key_store_;
  testing::FakeRegistrations registrations_;
  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<bus::Keyspace> keys_;
  std::unique_ptr<RedisIntegrationsStore> store_;
  std::unique_ptr<SecretBox> box_;
  std::unique_ptr<Integrations> integrations_;
  std::unique_ptr<CurlSender> sender_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<bus::Consumer> consumer_;
  std::unique_ptr<bus::Consumer> contacts_consumer_;
  std::unique_ptr<ContactsProjector> contacts_;
  std::unique_ptr<EventIntake> intake_;
  std::unique_ptr<bus::StreamWorker> contacts_worker_;
};

// A registration outage far longer than the bus's default max_deliveries (5) of reclaims:
// webhooks flow meanwhile, and once registration is back every contact is projected.
TEST_F(DeliveryTest, ARegistrationOutageDelaysContactsButLosesNothingAndBlocksNoWebhook) {
  Subscribe("org_a", {"registration.*"});
  registrations_.SetUnavailable(true);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    events::v1::Registration r;
    r.set_id(ids_.New("rg"));
    r.set_event_id("ev_x");
    r.set_email(absl::StrCat("person", i, "@example.org"));
    r.set_name(absl::StrCat("Person ", i));
    r.set_marketing_opt_in(true);
    r.set_status(events::v1::REGISTRATION_STATUS_CONFIRMED);
    registrations_.Put(r);
    events::v1::RegistrationChanged c;
    c.set_registration_id(r.id());
    c.set_event_id("ev_x");
    c.set_org_id("org_a");
    c.set_status(r.status());
    c.set_marketing_opt_in(true);
    ids.push_back(Publish("org_a", "registration.created", c));
  }
  // Every webhook is delivered while registration is down.
  ASSERT_TRUE(Eventually([&] { return receiver_.Requests().size() == 3; }, [&] { Step(); }));
  // Each contact entry is handed out again and again, well past 5 times.
  for (int i = 0; i < 30; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    Step();
  }
  auto pending = redis_->Command({"XPENDING", keys_->Stream(keys_->PartitionOf(ids[0])),
                                  std::string(kContactsGroup), "-", "+", "10"});
  ASSERT_TRUE(pending.ok());
  ASSERT_GE(redis::ArraySize(**pending), 1u);
  EXPECT_GT(redis::AsInt(redis::ArrayAt(redis::ArrayAt(**pending, 0), 3)), 10);
  // Nothing went to the bus's dead-letter streams.
  for (int p = 0; p < keys_->partitions(); ++p) {
    auto dead = redis_->Command({"XLEN", keys_->DeadLetterStream(p)});
    ASSERT_TRUE(dead.ok());
    EXPECT_EQ(redis::AsInt(**dead), 0) << p;
  }
  events::v1::ListContactsRequest feed;
  EXPECT_EQ(integrations_->ListContacts("org_a", feed)->contacts_size(), 0);
  registrations_.SetUnavailable(false);
  ASSERT_TRUE(Eventually(
      [&] {
        auto page = integrations_->ListContacts("org_a", feed);
        return page.ok() && page->contacts_size() == 3;
      },
      [&] { Step(); }));
  EXPECT_EQ(receiver_.Requests().size(), 3u);
}

TEST_F(DeliveryTest, ReminderDueArrivesSignedAsAnIndependentCheckConfirms) {
  auto hook = Subscribe("org_a", {"event.reminder_due"});
  const std::string id = Publish("org_a", "event.reminder_due", Reminder());
  ASSERT_TRUE(Eventually([&] { return !receiver_.Requests().empty(); }, [&] { Step(); }));
  ASSERT_TRUE(Eventually(
      [&] {
        return LastStateIs("org_a", hook.webhook().id(), events::v1::DELIVERY_STATE_DELIVERED);
      },
      [&] { Step(); }));
  auto request = receiver_.Requests().at(0);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.path, "/hook");
  EXPECT_EQ(request.Header("content-type"), "application/json");
  EXPECT_EQ(request.Header("webhook-id"), id);
  const int64_t ts = std::stoll(request.Header("webhook-timestamp"));
  EXPECT_LE(std::abs(ts - clock_.NowUnixMs() / 1000), 30);
  EXPECT_TRUE(IndependentlyVerified(hook.secret(), id, request.Header("webhook-timestamp"),
                                    request.body, request.Header("webhook-signature")));
  // A different secret or a changed body does not verify.
  EXPECT_FALSE(IndependentlyVerified("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", id,
                                     request.Header("webhook-timestamp"), request.body,
                                     request.Header("webhook-signature")));
  EXPECT_FALSE(IndependentlyVerified(hook.secret(), id, request.Header("webhook-timestamp"),
                                     request.body + " ", request.Header("webhook-signature")));
  EXPECT_THAT(request.body, HasSubstr("\"type\":\"event.reminder_due\""));
  EXPECT_THAT(request.body, HasSubstr("\"minutes_before\":60"));
  auto log = Log("org_a", hook.webhook().id());
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].http_status(), 200);
  EXPECT_EQ(log[0].attempt(), 1);
  EXPECT_EQ(log[0].message_id(), id);
}

TEST_F(DeliveryTest, RetriesOn500AndOnADroppedConnectionWithTheSameId) {
  auto hook = Subscribe("org_a", {"event.*"});
  receiver_.Program({500, WebhookReceiver::kDrop, 200});
  const std::string id = Publish("org_a", "event.reminder_due", Reminder());
  ASSERT_TRUE(Eventually(
      [&] {
        return LastStateIs("org_a", hook.webhook().id(), events::v1::DELIVERY_STATE_DELIVERED);
      },
      [&] { Step(); }));
  auto requests = receiver_.Requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const auto& r : requests) {
    EXPECT_EQ(r.Header("webhook-id"), id);
    EXPECT_TRUE(IndependentlyVerified(hook.secret(), id, r.Header("webhook-timestamp"), r.body,
                                      r.Header("webhook-signature")));
    EXPECT_EQ(r.body, requests[0].body);
  }
  auto log = Log("org_a", hook.webhook().id());
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[2].http_status(), 500);
  EXPECT_EQ(log[2].state(), events::v1::DELIVERY_STATE_PENDING);
  EXPECT_EQ(log[1].http_status(), 0);
  EXPECT_FALSE(log[1].error().empty());
  EXPECT_EQ(log[0].attempt(), 3);
}

TEST_F(DeliveryTest, GoneDisablesTheEndpoint) {
  auto hook = Subscribe("org_a", {"*"});
  receiver_.Program({410});
  Publish("org_a", "event.reminder_due", Reminder());
  ASSERT_TRUE(Eventually(
      [&] { return LastStateIs("org_a", hook.webhook().id(), events::v1::DELIVERY_STATE_GONE); },
      [&] { Step(); }));
  auto listed = integrations_->ListWebhooks("org_a");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->webhooks_size(), 1);
  EXPECT_FALSE(listed->webhooks(0).enabled());
  EXPECT_THAT(listed->webhooks(0).disabled_reason(), HasSubstr("410"));
  // Nothing more goes to a disabled endpoint.
  Publish("org_a", "event.reminder_due", Reminder());
  for (int i = 0; i < 20; ++i) Step();
  EXPECT_EQ(receiver_.Requests().size(), 1u);
}

TEST_F(DeliveryTest, AfterTheLastTryADeadLetterThatAReplayDelivers) {
  auto hook = Subscribe("org_a", {"event.reminder_due"});
  receiver_.Program(std::vector<int>(11, 503));
  const std::string id = Publish("org_a", "event.reminder_due", Reminder());
  events::v1::ListDeadLettersRequest list;
  ASSERT_TRUE(Eventually(
      [&] {
        auto dead = integrations_->ListDeadLetters("org_a", list);
        return dead.ok() && dead->dead_letters_size() == 1;
      },
      [&] { Step(); }));
  EXPECT_EQ(receiver_.Requests().size(), 11u);
  auto dead = *integrations_->ListDeadLetters("org_a", list);
  EXPECT_EQ(dead.dead_letters(0).message_id(), id);
  EXPECT_EQ(dead.dead_letters(0).attempts(), 11);
  EXPECT_EQ(dead.dead_letters(0).last_http_status(), 503);
  EXPECT_EQ(dead.dead_letters(0).webhook_id(), hook.webhook().id());
  // Ten failed tries and the last one dead; the delivery took 11 tries (bucket 13, not 8).
  EXPECT_EQ(Metric("events_webhook_tries_total", {{"org_id", "org_a"}, {"outcome", "failed"}}), 10);
  EXPECT_EQ(Metric("events_webhook_tries_total", {{"org_id", "org_a"}, {"outcome", "dead"}}), 1);
  EXPECT_EQ(Metric("events_webhook_tries_total", {{"outcome", "delivered"}}), 0);
  EXPECT_EQ(Metric("events_webhook_try_duration_seconds", {{"outcome", "failed"}}), 10);
  EXPECT_EQ(Metric("events_webhook_delivery_attempts", {{"outcome", "dead"}}), 1);
  EXPECT_EQ(SumAndAtMost("events_webhook_delivery_attempts", "dead", 8),
            (std::pair<double, double>{11, 0}));
  EXPECT_EQ(SumAndAtMost("events_webhook_delivery_attempts", "dead", 13),
            (std::pair<double, double>{11, 1}));
  // Another organisation cannot see or replay it.
  EXPECT_EQ(integrations_->ListDeadLetters("org_b", list)->dead_letters_size(), 0);
  events::v1::ReplayDeadLettersRequest replay;
  replay.set_delivery_id(dead.dead_letters(0).delivery_id());
  EXPECT_TRUE(absl::IsNotFound(integrations_->Replay("org_b", replay).status()));

  auto replayed = integrations_->Replay("org_a", replay);
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  EXPECT_EQ(replayed->replayed(), 1);
  ASSERT_TRUE(Eventually([&] { return receiver_.Requests().size() == 12; }, [&] { Step(); }));
  EXPECT_EQ(receiver_.Requests().back().Header("webhook-id"), id);
  ASSERT_TRUE(Eventually(
      [&] {
        return LastStateIs("org_a", hook.webhook().id(), events::v1::DELIVERY_STATE_DELIVERED);
      },
      [&] { Step(); }));
  EXPECT_EQ(integrations_->ListDeadLetters("org_a", list)->dead_letters_size(), 0);
  EXPECT_TRUE(absl::IsNotFound(integrations_->Replay("org_a", replay).status()));
}

TEST_F(DeliveryTest, WebhookMetricsCountEachTryByOrganisationAndOutcome) {
  // Before any try, each histogram already has its outcomes' series at zero (the scrape
  // test and the alerts need the families to exist before the first delivery ends).
  std::set<std::string> at_zero;
  for (const prometheus::MetricFamily& family : registry_.Collect()) {
    for (const prometheus::ClientMetric& m : family.metric) {
      if (m.histogram.sample_count == 0 && !m.label.empty()) {
        at_zero.insert(family.name + ":" + m.label[0].value);
      }
    }
  }
  EXPECT_THAT(at_zero, ::testing::IsSupersetOf({"events_webhook_delivery_attempts:delivered",
                                                "events_webhook_delivery_attempts:dead",
                                                "events_webhook_try_duration_seconds:failed"}));
  auto hook = Subscribe("org_a", {"event.*"});
  receiver_.Program({200, 500, 410});
  Publish("org_a", "event.reminder_due", Reminder());
  ASSERT_TRUE(Eventually(
      [&] {
        return LastStateIs("org_a", hook.webhook().id(), events::v1::DELIVERY_STATE_DELIVERED);
      },
      [&] { Step(); }));
  const std::map<std::string, std::string> delivered_a = {{"org_id", "org_a"},
                                                          {"outcome", "delivered"}};
  EXPECT_EQ(Metric("events_webhook_tries_total", delivered_a), 1);
  EXPECT_EQ(Metric("events_webhook_tries_total", {}), 1);
  EXPECT_EQ(Metric("events_webhook_try_duration_seconds", {{"outcome", "delivered"}}), 1);
  EXPECT_EQ(Metric("events_webhook_delivery_attempts", {{"outcome", "delivered"}}), 1);
  EXPECT_EQ(SumAndAtMost("events_webhook_delivery_attempts", "delivered", 1),
            (std::pair<double, double>{1, 1}));

  // 500, then 410 on the retry: one failed try, one gone; the delivery is in no attempts
  // histogram (gone is neither delivered nor dead).
  Publish("org_a", "event.reminder_due", Reminder());
  ASSERT_TRUE(Eventually(
      [&] { return LastStateIs("org_a", hook.webhook().id(), events::v1::DELIVERY_STATE_GONE); },
      [&] { Step(); }));
  EXPECT_EQ(Metric("events_webhook_tries_total", {{"org_id", "org_a"}, {"outcome", "failed"}}), 1);
  EXPECT_EQ(Metric("events_webhook_tries_total", {{"org_id", "org_a"}, {"outcome", "gone"}}), 1);
  EXPECT_EQ(Metric("events_webhook_tries_total", delivered_a), 1);
  EXPECT_EQ(Metric("events_webhook_tries_total", {{"outcome", "dead"}}), 0);
  EXPECT_EQ(Metric("events_webhook_try_duration_seconds", {{"outcome", "failed"}}), 1);
  EXPECT_EQ(Metric("events_webhook_try_duration_seconds", {{"outcome", "gone"}}), 1);
  EXPECT_EQ(Metric("events_webhook_try_duration_seconds", {}), 3);
  EXPECT_EQ(Metric("events_webhook_delivery_attempts", {}), 1);

  // Another organisation's try counts under its own org_id.
  auto other = Subscribe("org_b", {"event.*"});
  Publish("org_b", "event.reminder_due", Reminder());
  ASSERT_TRUE(Eventually(
      [&] {
        return LastStateIs("org_b", other.webhook().id(), events::v1::DELIVERY_STATE_DELIVERED);
      },
      [&] { Step(); }));
  EXPECT_EQ(Metric("events_webhook_tries_total", {{"org_id", "org_b"}, {"outcome", "delivered"}}),
            1);
  EXPECT_EQ(Metric("events_webhook_tries_total", delivered_a), 1);
  EXPECT_EQ(Metric("events_webhook_tries_total", {}), 4);
}

TEST_F(DeliveryTest, PageSizesBeyondTheLimitAreRefusedNotCut) {
  // Integrations used to cut a page of 1,000 to 100 silently, unlike every other service.
  events::v1::ListDeadLettersRequest dead;
  dead.set_page_size(1000);
  absl::Status status = integrations_->ListDeadLetters("org_a", dead).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("page_size must be between 1 and 100"));
  events::v1::ListContactsRequest contacts;
  contacts.set_page_size(-1);
  status = integrations_->ListContacts("org_a", contacts).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("page_size"));
}

TEST_F(DeliveryTest, ReplayAllAndPagesOfDeadLetters) {
  Subscribe("org_a", {"event.reminder_due"});
  receiver_.Program(std::vector<int>(33, 500));
  for (int i = 0; i < 3; ++i) Publish("org_a", "event.reminder_due", Reminder());
  events::v1::ListDeadLettersRequest list;
  list.set_page_size(2);
  ASSERT_TRUE(Eventually(
      [&] {
        auto dead = integrations_->ListDeadLetters("org_a", list);
        return dead.ok() && !dead->next_page_token().empty();
      },
      [&] { Step(); }));
  ASSERT_TRUE(Eventually([&] { return receiver_.Requests().size() == 33; }, [&] { Step(); }));
  for (int i = 0; i < 5; ++i) Step();
  auto first = *integrations_->ListDeadLetters("org_a", list);
  EXPECT_EQ(first.dead_letters_size(), 2);
  list.set_page_token(first.next_page_token());
  auto second = *integrations_->ListDeadLetters("org_a", list);
  EXPECT_EQ(second.dead_letters_size(), 1);
  EXPECT_TRUE(second.next_page_token().empty());
  events::v1::ReplayDeadLettersRequest replay;
  replay.set_all(true);
  EXPECT_EQ(integrations_->Replay("org_a", replay)->replayed(), 3);
  ASSERT_TRUE(Eventually([&] { return receiver_.Requests().size() == 36; }, [&] { Step(); }));
}

TEST_F(DeliveryTest, ABadDeadLetterPageTokenIsInvalidArgumentNamingIt) {
  for (const char* token : {"-1", "+1", " 1", "1 ", "abc", "0-0", "9223372036854775807",
                            "9223372036854775808", "1e3", "0x10"}) {
    events::v1::ListDeadLettersRequest list;
    list.set_page_token(token);
    const absl::Status s = integrations_->ListDeadLetters("org_a", list).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << token << ": " << s;
    EXPECT_TRUE(absl::StrContains(s.message(), "page_token")) << s;
  }
  events::v1::ListDeadLettersRequest list;
  list.set_page_token("3");
  EXPECT_TRUE(integrations_->ListDeadLetters("org_a", list).ok());
}

TEST_F(DeliveryTest, OnlyMatchingTypesOfTheSameOrganisation) {
  Subscribe("org_a", {"registration.*"});
  Publish("org_a", "event.reminder_due", Reminder());
  Publish("org_b", "registration.confirmed", events::v1::RegistrationChanged());
  const std::string mine =
      Publish("org_a", "registration.confirmed", events::v1::RegistrationChanged());
  ASSERT_TRUE(Eventually([&] { return !receiver_.Requests().empty(); }, [&] { Step(); }));
  for (int i = 0; i < 20; ++i) Step();
  ASSERT_EQ(receiver_.Requests().size(), 1u);
  EXPECT_EQ(receiver_.Requests()[0].Header("webhook-id"), mine);
}

TEST_F(DeliveryTest, ASubscriptionGetsWhatHappensAfterItWasMade) {
  events::v1::EventReminderDue due = Reminder();
  events::v1::DomainEvent e;
  e.set_id(ids_.New("de"));
  e.set_type("event.reminder_due");
  e.set_org_id("org_a");
  e.set_time_unix_ms(clock_.NowUnixMs() - 60000);
  e.set_data_type("events.v1.EventReminderDue");
  e.set_data(due.SerializeAsString());
  ASSERT_TRUE(bus::Publish(*redis_, *keys_, 0, e).ok());
  Subscribe("org_a", {"event.*"});
  const std::string later = Publish("org_a", "event.reminder_due", Reminder());
  ASSERT_TRUE(Eventually([&] { return !receiver_.Requests().empty(); }, [&] { Step(); }));
  for (int i = 0; i < 10; ++i) Step();
  ASSERT_EQ(receiver_.Requests().size(), 1u);
  EXPECT_EQ(receiver_.Requests()[0].Header("webhook-id"), later);
}

TEST_F(DeliveryTest, AccessibilityEventsCarryNoNeedsOrDetails) {
  Subscribe("org_a", {"accessibility.*"});
  events::v1::AccessibilityRequestChanged change;
  change.set_request_id("ar_1");
  change.set_event_id("ev_x");
  change.set_org_id("org_a");
  change.set_status(events::v1::REQUEST_STATUS_SUBMITTED);
  // Whatever a writer might add beside the thin fields (an unknown field 99 holding detail
  // text) is not in the body.
  events::v1::DomainEvent e;
  e.set_id(ids_.New("de"));
  e.set_type("accessibility.request_submitted");
  e.set_source("accessibility");
  e.set_time_unix_ms(clock_.NowUnixMs());
  e.set_org_id("org_a");
  e.set_data_type("events.v1.AccessibilityRequestChanged");
  const std::string detail = "needs a BSL interpreter and step-free access";
  std::string extra = {static_cast<char>(0x9a), static_cast<char>(0x06),
                       static_cast<char>(detail.size())};
  e.set_data(change.SerializeAsString() + extra + detail);
  ASSERT_TRUE(bus::Publish(*redis_, *keys_, 0, e).ok());
  ASSERT_TRUE(Eventually([&] { return !receiver_.Requests().empty(); }, [&] { Step(); }));
  const std::string body = receiver_.Requests()[0].body;
  EXPECT_THAT(body, HasSubstr("\"request_id\":\"ar_1\""));
  EXPECT_THAT(body, HasSubstr("REQUEST_STATUS_SUBMITTED"));
  for (const char* secret : {"BSL", "interpreter", "step-free", "needs a"}) {
    EXPECT_THAT(body, Not(HasSubstr(secret)));
  }
}

TEST_F(DeliveryTest, TestWebhookGoesThroughThePipeline) {
  auto hook = Subscribe("org_a", {"registration.*"});
  auto test = integrations_->TestWebhook("org_a", hook.webhook().id());
  ASSERT_TRUE(test.ok()) << test.status();
  ASSERT_TRUE(Eventually([&] { return !receiver_.Requests().empty(); }, [&] { Step(); }));
  auto r = receiver_.Requests()[0];
  EXPECT_EQ(r.Header("webhook-id"), test->message_id());
  EXPECT_THAT(r.body, HasSubstr("\"type\":\"webhook.test\""));
  EXPECT_TRUE(IndependentlyVerified(hook.secret(), test->message_id(),
                                    r.Header("webhook-timestamp"), r.body,
                                    r.Header("webhook-signature")));
  EXPECT_TRUE(absl::IsNotFound(integrations_->TestWebhook("org_b", hook.webhook().id()).status()));
}

TEST_F(DeliveryTest, ARotatedSecretSignsTheNextTries) {
  auto hook = Subscribe("org_a", {"event.reminder_due"});
  auto rotated = integrations_->RotateSecret("org_a", hook.webhook().id());
  ASSERT_TRUE(rotated.ok());
  EXPECT_NE(rotated->secret(), hook.secret());
  const std::string id = Publish("org_a", "event.reminder_due", Reminder());
  ASSERT_TRUE(Eventually([&] { return !receiver_.Requests().empty(); }, [&] { Step(); }));
  auto r = receiver_.Requests()[0];
  EXPECT_TRUE(IndependentlyVerified(rotated->secret(), id, r.Header("webhook-timestamp"), r.body,
                                    r.Header("webhook-signature")));
  EXPECT_FALSE(IndependentlyVerified(hook.secret(), id, r.Header("webhook-timestamp"), r.body,
                                     r.Header("webhook-signature")));
}

TEST_F(DeliveryTest, ADeletedWebhookDropsItsPendingDeliveries) {
  auto hook = Subscribe("org_a", {"event.reminder_due"});
  Publish("org_a", "event.reminder_due", Reminder());
  ASSERT_TRUE(Eventually([&] { return intake_->RunOnce().value_or(0) == 0; }, nullptr));
  ASSERT_TRUE(integrations_->DeleteWebhook("org_a", hook.webhook().id()).ok());
  for (int i = 0; i < 10; ++i) Step();
  EXPECT_EQ(receiver_.Requests().size(), 0u);
  EXPECT_TRUE(absl::IsNotFound(integrations_->DeleteWebhook("org_a", hook.webhook().id())));
}

TEST_F(DeliveryTest, AClaimIsLeasedAndATryIsRecordedOnce) {
  const std::string trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  NewDelivery d{"1/de_lease/wh_x", "org_a", "wh_x", "de_lease", "event.published", "{}", trace};
  ASSERT_EQ(*store_->Enqueue(1, {d, d}, 1000), 1);  // the same delivery twice: made once
  ASSERT_EQ(*store_->Enqueue(1, {d}, 1000), 0);
  auto first = store_->Claim(1000, 5000, 10);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ(first->at(0).attempt, 1);
  EXPECT_EQ(first->at(0).claimed_unix_ms, 1000);
  // The trace of the intake that made it comes back with every claim.
  EXPECT_EQ(first->at(0).traceparent, trace);
  // Another dispatcher finds nothing while the lease lasts, and the try again after it.
  EXPECT_TRUE(store_->Claim(5999, 5000, 10)->empty());
  auto second = store_->Claim(6000, 5000, 10);
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ(second->at(0).attempt, 1);
  TryResult retry;
  retry.outcome = TryOutcome::kRetry;
  retry.http_status = 500;
  retry.now_ms = 6100;
  retry.next_due_ms = 7000;
  EXPECT_TRUE(*store_->Record(second->at(0), retry));
  // The first claimant, late, cannot record the same try again.
  EXPECT_FALSE(*store_->Record(first->at(0), retry));
  EXPECT_TRUE(store_->Claim(6999, 5000, 10)->empty());
  auto third = store_->Claim(7000, 5000, 10);
  ASSERT_EQ(third->size(), 1u);
  EXPECT_EQ(third->at(0).attempt, 2);
  TryResult ok;
  ok.http_status = 200;
  ok.now_ms = 7100;
  EXPECT_TRUE(*store_->Record(third->at(0), ok));
  EXPECT_TRUE(store_->Claim(100000, 5000, 10)->empty());
}

// A claimant whose lease ran out and whose try someone else recorded writes nothing: no log
// line, no dead letter, no disable.
TEST_F(DeliveryTest, AStaleRecordWritesNothing) {
  NewDelivery d{"1/de_stale/wh_s", "org_a", "wh_s", "de_stale", "event.published", "{}", ""};
  ASSERT_EQ(*store_->Enqueue(1, {d}, 1000), 1);
  auto first = store_->Claim(1000, 5000, 10);
  ASSERT_EQ(first->size(), 1u);
  auto second = store_->Claim(6000, 5000, 10);
  ASSERT_EQ(second->size(), 1u);
  TryResult ok;
  ok.http_status = 200;
  ok.now_ms = 6100;
  EXPECT_TRUE(*store_->Record(second->at(0), ok));
  TryResult dead;
  dead.outcome = TryOutcome::kDead;
  dead.http_status = 500;
  dead.now_ms = 6200;
  EXPECT_FALSE(*store_->Record(first->at(0), dead));
  TryResult gone;
  gone.outcome = TryOutcome::kGone;
  gone.http_status = 410;
  gone.now_ms = 6300;
  EXPECT_FALSE(*store_->Record(first->at(0), gone));
  auto log = store_->ListLog("org_a", "wh_s", 100);
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ(log->at(0).state(), events::v1::DELIVERY_STATE_DELIVERED);
  EXPECT_TRUE(store_->ListDeadLetters("org_a", 0, 10)->first.empty());
  auto off = redis_->Command({"HEXISTS", keys_->Global("int:{org_a}:whoff"), "wh_s"});
  ASSERT_TRUE(off.ok());
  EXPECT_EQ(redis::AsInt(**off), 0);
}

TEST_F(DeliveryTest, DeadLettersAreCappedAndTheirBodiesExpire) {
  RedisIntegrationsStore::Options options;
  options.max_dead_letters = 2 * keys_->partitions();  // 2 in each partition
  RedisIntegrationsStore store(*redis_, *keys_, options);
  for (int i = 0; i < 3; ++i) {
    NewDelivery d{absl::StrCat("1/de_d", i, "/wh_d"),
                  "org_a",
                  "wh_d",
                  absl::StrCat("de_d", i),
                  "event.published",
                  "{}",
                  ""};
    ASSERT_EQ(*store.Enqueue(1, {d}, 1000 + i), 1);
  }
  auto claimed = store.Claim(2000, 5000, 10);
  ASSERT_TRUE(claimed.ok());
  ASSERT_EQ(claimed->size(), 3u);
  for (int i = 0; i < 3; ++i) {
    TryResult dead;
    dead.outcome = TryOutcome::kDead;
    dead.http_status = 503;
    dead.now_ms = 3000 + i;
    ASSERT_TRUE(*store.Record(claimed->at(i), dead));
  }
  auto listed = store.ListDeadLetters("org_a", 0, 10);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->first.size(), 2u);
  EXPECT_EQ(listed->first[0].message_id(), "de_d1");
  EXPECT_EQ(listed->first[1].message_id(), "de_d2");
  EXPECT_EQ(listed->first[1].last_http_status(), 503);
  EXPECT_EQ(listed->first[1].dead_unix_ms(), 3002);
  const std::string p = keys_->PartitionPrefix(1);
  EXPECT_EQ(redis::AsInt(**redis_->Command({"EXISTS", p + "int:dlv:1/de_d0/wh_d"})), 0);
  const int64_t ttl = redis::AsInt(**redis_->Command({"PTTL", p + "int:dlv:1/de_d2/wh_d"}));
  EXPECT_GT(ttl, 29LL * 24 * 3600 * 1000);
  EXPECT_LE(ttl, 30LL * 24 * 3600 * 1000);
  // An expired one is neither listed nor replayed, and a replay succeeds once only.
  ASSERT_TRUE(redis_->Command({"DEL", p + "int:dlv:1/de_d1/wh_d"}).ok());
  EXPECT_EQ(store.ListDeadLetters("org_a", 0, 10)->first.size(), 1u);
  EXPECT_TRUE(absl::IsNotFound(store.Replay("org_a", "1/de_d1/wh_d", 4000)));
  EXPECT_TRUE(store.Replay("org_a", "1/de_d2/wh_d", 4000).ok());
  EXPECT_TRUE(absl::IsNotFound(store.Replay("org_a", "1/de_d2/wh_d", 4000)));
  EXPECT_TRUE(store.ListDeadLetters("org_a", 0, 10)->first.empty());
  EXPECT_EQ(redis::AsInt(**redis_->Command({"PTTL", p + "int:dlv:1/de_d2/wh_d"})), -1);
}

// The sender on its own: where it connects is where it checked.
TEST(CurlSenderTest, ChecksTheResolvedAddressAndConnectsThere) {
  // On every address, so the request shows which loopback address curl connected to: the
  // pinned 127.0.0.2, not the 127.0.0.1 (or ::1) curl would find for a .localhost name.
  WebhookReceiver receiver(/*any_address=*/true);
  CurlSenderOptions options;
  options.policy.allow_http_loopback = true;
  options.timeout = std::chrono::milliseconds(2000);
  std::string answer = "127.0.0.2";
  options.resolve = [&answer](const std::string& host) {
    return host == "hooks.localhost" ? std::vector<std::string>{answer}
                                     : std::vector<std::string>{};
  };
  CurlSender sender(options);
  WebhookRequest request;
  request.url = absl::StrCat("http://hooks.localhost:", receiver.port(), "/in");
  request.message_id = "msg_1";
  request.timestamp_seconds = 1;
  request.signature = "v1,x";
  request.body = "{}";
  SendResult ok = sender.Send(request);
  EXPECT_EQ(ok.http_status, 200) << ok.error;
  ASSERT_EQ(receiver.Requests().size(), 1u);
  EXPECT_EQ(receiver.Requests()[0].local_address, "127.0.0.2");
  EXPECT_EQ(receiver.Requests()[0].Header("host"),
            absl::StrCat("hooks.localhost:", receiver.port()));
  // The same name now resolving into a private range (DNS rebinding) is refused.
  answer = "10.1.2.3";
  SendResult refused = sender.Send(request);
  EXPECT_EQ(refused.http_status, 0);
  EXPECT_THAT(refused.error, HasSubstr("not a public address"));
  answer = "169.254.169.254";
  EXPECT_THAT(sender.Send(request).error, HasSubstr("not a public address"));
  EXPECT_EQ(receiver.Requests().size(), 1u);
}

// A receiver that takes the connection and never answers: a slow one, as seen by a try.
class HoldingReceiver {
 public:
  HoldingReceiver() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        listen(listen_fd_, 4) != 0) {
      return;
    }
    socklen_t len = sizeof(addr);
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      held_fd_ = accept(listen_fd_, nullptr, nullptr);
      accepted_.set_value();
    });
  }
  ~HoldingReceiver() {
    shutdown(listen_fd_, SHUT_RDWR);  // ends an accept still waiting
    thread_.join();
    if (held_fd_ >= 0) close(held_fd_);
    close(listen_fd_);
  }
  int port() const { return port_; }
  // Ready once a try has connected.
  std::future<void> Accepted() { return accepted_.get_future(); }

 private:
  int listen_fd_ = -1;
  int held_fd_ = -1;
  int port_ = 0;
  std::promise<void> accepted_;
  std::thread thread_;
};

TEST(CurlSenderTest, AbortCutsATryInProgressShortAndRefusesTheNext) {
  HoldingReceiver receiver;
  ASSERT_NE(receiver.port(), 0);
  std::future<void> accepted = receiver.Accepted();
  CurlSenderOptions options;
  options.policy.allow_http_loopback = true;
  options.timeout = std::chrono::milliseconds(30000);
  CurlSender sender(options);
  WebhookRequest request;
  request.url = absl::StrCat("http://127.0.0.1:", receiver.port(), "/in");
  request.message_id = "msg_1";
  request.body = "{}";
  const auto start = std::chrono::steady_clock::now();
  std::future<SendResult> sent =
      std::async(std::launch::async, [&] { return sender.Send(request); });
  ASSERT_EQ(accepted.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  sender.Abort();
  ASSERT_EQ(sent.wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << "the try waits for its 30 s timeout";
  const SendResult result = sent.get();
  EXPECT_TRUE(result.aborted);
  EXPECT_EQ(result.http_status, 0);
  EXPECT_THAT(result.error, HasSubstr("stopping"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  // Later tries are not made at all.
  const SendResult next = sender.Send(request);
  EXPECT_TRUE(next.aborted);
}

TEST(CurlSenderTest, LoopbackOnlyForALoopbackHostOverHttp) {
  WebhookReceiver receiver;
  CurlSenderOptions options;
  options.policy.allow_http_loopback = true;
  options.policy.allow_any_port = true;  // the receiver's port, on https
  options.timeout = std::chrono::milliseconds(2000);
  options.resolve = [](const std::string&) { return std::vector<std::string>{"127.0.0.1"}; };
  CurlSender sender(options);
  WebhookRequest request;
  request.message_id = "msg_1";
  request.body = "{}";
  // A public name that resolves to loopback is refused, over https too.
  request.url = absl::StrCat("https://hooks.example.org:", receiver.port(), "/in");
  EXPECT_THAT(sender.Send(request).error, HasSubstr("not a public address"));
  request.url = absl::StrCat("https://localhost:", receiver.port(), "/in");
  EXPECT_THAT(sender.Send(request).error, HasSubstr("private or reserved"));
  EXPECT_EQ(receiver.Requests().size(), 0u);
}

TEST(CurlSenderTest, RefusesUrlsOutsideThePolicyAndFollowsNoRedirects) {
  WebhookReceiver receiver;
  WebhookReceiver elsewhere;
  CurlSenderOptions options;  // production policy
  options.timeout = std::chrono::milliseconds(2000);
  CurlSender sender(options);
  WebhookRequest request;
  request.url = receiver.Url();
  SendResult refused = sender.Send(request);
  EXPECT_EQ(refused.http_status, 0);
  EXPECT_THAT(refused.error, HasSubstr("https"));
  options.policy.allow_http_loopback = true;
  CurlSender dev(options);
  receiver.SetLocation(elsewhere.Url("/moved"));
  receiver.Program({302, 307});
  SendResult redirect = dev.Send(request);
  EXPECT_EQ(redirect.http_status, 302);
  EXPECT_THAT(redirect.error, HasSubstr("302"));
  SendResult temporary = dev.Send(request);
  EXPECT_EQ(temporary.http_status, 307);
  EXPECT_EQ(receiver.Requests().size(), 2u);
  // The Location was not followed.
  EXPECT_FALSE(elsewhere.WaitFor(1, std::chrono::milliseconds(200)));
  EXPECT_EQ(elsewhere.Requests().size(), 0u);
}

}  // namespace
}  // namespace events::integrations
