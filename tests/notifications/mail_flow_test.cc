// E-mail end to end, on real Redis, real gRPC and a real SMTP server (tools/mailsink): the
// scheduling and registration services in-process, the notifications intake and sender
// reading their domain events and sending through libcurl's SMTP.
#include <grpcpp/grpcpp.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/auth/authenticator.h"
#include "common/auth/key_store.h"
#include "common/bus/event_bus.h"
#include "common/bus/worker_options.h"
#include "common/server/service_runner.h"
#include "common/testing/grpc_service_harness.h"
#include "common/testing/own_smtp_server.h"
#include "common/testing/redis_for_test.h"
#include "common/util/mutex.h"
#include "events/v1/accessibility.pb.h"
#include "events/v1/domain_events.pb.h"
#include "events/v1/people.grpc.pb.h"
#include "events/v1/registration.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/notifications/delivery/dispatcher.h"
#include "services/notifications/delivery/intake.h"
#include "services/notifications/mail/composer.h"
#include "services/notifications/mail/smtp_sender.h"
#include "services/notifications/peers/peers.h"
#include "services/notifications/server/notifications_metrics.h"
#include "services/notifications/store/redis_outbox_store.h"
#include "services/registration/server/registration_service.h"
#include "services/scheduling/domain/scheduler.h"
#include "services/scheduling/server/scheduling_metrics.h"
#include "services/scheduling/server/scheduling_service.h"
#include "services/scheduling/store/redis_event_store.h"
#include "tests/common/metrics/registry_reader.h"
#include "tests/registration/registration_test_support.h"

namespace events::notifications {
namespace {

using registration::testing::kNow;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kLinkSecret[] = "a-test-link-secret-of-at-least-32-characters";

// A header's value in a saved message ("" when absent).
std::string Header(const std::string& message, const std::string& name) {
  for (absl::string_view line : absl::StrSplit(message, "\r\n")) {
    if (line.empty()) break;
    if (absl::StartsWithIgnoreCase(line, name + ": "))
      return std::string(line.substr(name.size() + 2));
  }
  return "";
}

// The decoded parts of a saved message, by content type (python's email module would do
// this; the test decodes just what the sender writes: quoted-printable and base64).
std::string Decoded(const std::string& message, absl::string_view content_type) {
  const size_t at = message.find(absl::StrCat("Content-Type: ", content_type));
  if (at == std::string::npos) return "";
  const size_t body = message.find("\r\n\r\n", at) + 4;
  // The part ends at the next boundary (the sender names them alt-... and mix-...).
  const size_t end = std::min(message.find("\r\n--alt-", body), message.find("\r\n--mix-", body));
  std::string raw = message.substr(body, end - body);
  const size_t enc = message.find("Content-Transfer-Encoding: ", at);
  if (message.compare(enc + 27, 6, "base64") == 0) {
    std::string joined = absl::StrReplaceAll(raw, {{"\r\n", ""}});
    std::string out;
    EXPECT_TRUE(absl::Base64Unescape(joined, &out));
    return out;
  }
  std::string out;
  raw = absl::StrReplaceAll(raw, {{"=\r\n", ""}});
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '=' && i + 2 < raw.size() + 0 && absl::ascii_isxdigit(raw[i + 1])) {
      int v = 0;
      EXPECT_TRUE(absl::SimpleHexAtoi(raw.substr(i + 1, 2), &v));
      out.push_back(static_cast<char>(v));
      i += 2;
    } else {
      out.push_back(raw[i]);
    }
  }
  return absl::StrReplaceAll(out, {{"\r\n", "\n"}});
}

// The personal token in a message's manage link.
std::string TokenIn(const std::string& text) {
  const size_t at = text.find("/manage/");
  if (at == std::string::npos) return "";
  const size_t end = text.find_first_of(" \n", at);
  return text.substr(at + 8, end - at - 8);
}

// people as notifications sees it: members with their addresses, sign-in links whose tokens
// it makes, and only for notifications' own key. The real service has its own tests
// (tests/people); this one answers as its contract (people.proto) says.
class FakePeople final : public events::v1::PeopleService::Service {
 public:
  struct Link {
    std::string token;
    std::string member_id;
    int64_t expires_ms = 0;
    bool used = false;
    int unavailable = 0;  // how many calls answer UNAVAILABLE first
    int calls = 0;
  };

  void SetKey(const std::string& key) ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    key_ = key;
  }
  void AddOrganisation(const std::string& org_id, const std::string& name)
      ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    org_names_[org_id] = name;
  }
  void AddMember(const events::v1::Member& m) ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    members_[m.member_id()] = m;
  }
  void AddLink(const std::string& link_id, const Link& link) ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    links_[link_id] = link;
  }
  int Calls(const std::string& link_id) ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    return links_[link_id].calls;
  }
  // The roles notifications asked ListMembersForMail for.
  std::vector<events::v1::MemberRole> RolesAsked() ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    return roles_asked_;
  }

  grpc::Status DescribeMember(grpc::ServerContext* ctx,
                              const events::v1::DescribeMemberRequest* req,
                              events::v1::MemberForMail* out) override ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    if (grpc::Status s = Check(*ctx); !s.ok()) return s;
    auto found = members_.find(req->member_id());
    if (found == members_.end()) return {grpc::StatusCode::NOT_FOUND, "no such member"};
    *out->mutable_member() = found->second;
    out->set_org_name(org_names_[found->second.org_id()]);
    return grpc::Status::OK;
  }

  grpc::Status IssueSignInLink(grpc::ServerContext* ctx,
                               const events::v1::IssueSignInLinkRequest* req,
                               events::v1::SignInLink* out) override ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    if (grpc::Status s = Check(*ctx); !s.ok()) return s;
    auto found = links_.find(req->link_id());
    if (found == links_.end()) return {grpc::StatusCode::NOT_FOUND, "no such sign-in link"};
    Link& link = found->second;
    ++link.calls;
    if (link.unavailable > 0) {
      --link.unavailable;
      return {grpc::StatusCode::UNAVAILABLE, "people is restarting"};
    }
    if (link.used) return {grpc::StatusCode::FAILED_PRECONDITION, "the link was used"};
    out->set_token(link.token);
    out->set_expires_unix_ms(link.expires_ms);
    const events::v1::Member& m = members_[link.member_id];
    *out->mutable_member() = m;
    out->set_org_name(org_names_[m.org_id()]);
    return grpc::Status::OK;
  }

  grpc::Status ListMembersForMail(grpc::ServerContext* ctx,
                                  const events::v1::ListMembersForMailRequest* req,
                                  events::v1::ListMembersForMailResponse* out) override
      ABSL_LOCKS_EXCLUDED(mu_) {
    MutexLock lock(&mu_);
    if (grpc::Status s = Check(*ctx); !s.ok()) return s;
    roles_asked_.push_back(req->role());
    for (const auto& [id, m] : members_) {
      const bool has_role =
          std::find(m.roles().begin(), m.roles().end(), req->role()) != m.roles().end();
      if (m.org_id() == req->org_id() && has_role &&
          m.status() == events::v1::MEMBER_STATUS_ACTIVE) {
        *out->add_members() = m;
      }
    }
    return grpc::Status::OK;
  }

 private:
  // Service-only calls: notifications' own key, nothing else.
  grpc::Status Check(const grpc::ServerContext& ctx) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    auto found = ctx.client_metadata().find("authorization");
    if (found == ctx.client_metadata().end() ||
        std::string(found->second.data(), found->second.size()) != "Bearer " + key_) {
      return {grpc::StatusCode::UNAUTHENTICATED, "not notifications' key"};
    }
    return grpc::Status::OK;
  }

  Mutex mu_;
  std::string key_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> org_names_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, events::v1::Member> members_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Link> links_ ABSL_GUARDED_BY(mu_);
  std::vector<events::v1::MemberRole> roles_asked_ ABSL_GUARDED_BY(mu_);
};

events::v1::Member MemberOf(const std::string& id, const std::string& org_id,
                            const std::string& name, const std::string& email,
                            std::initializer_list<events::v1::MemberRole> roles,
                            events::v1::MemberStatus status = events::v1::MEMBER_STATUS_ACTIVE) {
  events::v1::Member m;
  m.set_member_id(id);
  m.set_org_id(org_id);
  m.set_name(name);
  m.set_email(email);
  for (auto r : roles) m.add_roles(r);
  m.set_status(status);
  return m;
}

class MailFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(smtp_.Start().ok());
    auto options = events::testing::TestRedisOptions();
    ASSERT_FALSE(HasFailure());
    redis_ = std::make_unique<redis::RedisClient>(options);
    keys_ = std::make_unique<bus::Keyspace>(events::testing::UniqueKeyPrefix(), 4);
    key_store_ = std::make_unique<auth::RedisKeyStore>(*redis_, *keys_);
    auth_ = std::make_unique<auth::Authenticator>(*key_store_);
    registry_ = std::make_shared<prometheus::Registry>();
    metrics_ = std::make_unique<NotificationsMetrics>(*registry_);
    event_store_ = std::make_unique<scheduling::RedisEventStore>(
        *redis_, *keys_, scheduling::RedisEventStore::Options{});
    scheduler_ = std::make_unique<scheduling::Scheduler>(*event_store_, clock_, ids_);
    scheduling_metrics_ = std::make_unique<scheduling::SchedulingMetrics>(*registry_);
    scheduling_ = std::make_unique<scheduling::SchedulingServiceImpl>(*scheduler_, *auth_,
                                                                      *scheduling_metrics_);
    reg_store_ = std::make_unique<registration::RedisRegistrationStore>(
        *redis_, *keys_, registration::RedisRegistrationStore::Options{});
    registration::RegistrarOptions reg_options;
    reg_options.link_secret = kLinkSecret;
    reg_options.resend.per_registration_per_hour = 1000;
    reg_options.resend.per_event_per_hour = 1000;
    registrar_ = std::make_unique<registration::Registrar>(*reg_store_, directory_, clock_, ids_,
                                                           reg_options);
    reg_metrics_ = std::make_unique<registration::RegistrationMetrics>(*registry_);
    registration_ = std::make_unique<registration::RegistrationServiceImpl>(*registrar_, *auth_,
                                                                            *reg_metrics_, 1);
    server::ServerOptions server_options;
    server_options.service_name = "mailflow";
    server_options.listen_host = "127.0.0.1";
    runner_ = std::make_unique<server::ServiceRunner>(server_options, registry_);
    runner_->AddService(scheduling_.get());
    runner_->AddService(registration_.get());
    auto port = runner_->Start();
    ASSERT_TRUE(port.ok()) << port.status();
    const std::string address = "127.0.0.1:" + std::to_string(*port);
    channel_ = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
    registration_stub_ = events::v1::RegistrationService::NewStub(channel_);

    auto boot = auth::BootstrapOrganisation(*key_store_, ids_, clock_, "Riverside Forum");
    ASSERT_TRUE(boot.ok());
    org_ = boot->org.id;
    auto service =
        auth::IssueKey(*key_store_, ids_, clock_, "", {auth::Role::kService}, {}, "notifications");
    ASSERT_TRUE(service.ok());

    // people on a server of its own, as it runs.
    people_.SetKey(service->plaintext);
    people_.AddOrganisation(org_, "Riverside Forum");
    people_server_ = std::make_unique<events::testing::TestServer>(registry_);
    ASSERT_TRUE(people_server_->Start("people", {&people_}).ok());

    outbox_ = std::make_unique<RedisOutboxStore>(*redis_, *keys_, RedisOutboxStore::Options{});
    peers_ = MakeGrpcPeers({channel_, address, channel_, address, people_server_->Channel(),
                            people_server_->address(), service->plaintext, 5000});
    auto composer = Composer::Create();
    ASSERT_TRUE(composer.ok()) << composer.status();
    composer_ = std::make_unique<Composer>(*std::move(composer));
    SmtpOptions smtp;
    smtp.url = smtp_.url();
    smtp.tls = SmtpOptions::Tls::kNone;
    smtp.timeout = std::chrono::milliseconds(10000);
    sender_ = std::make_unique<CurlMailSender>(smtp);
    consumer_ = MakeConsumer("one");
    intake_ = std::make_unique<Intake>(*consumer_, *outbox_, *peers_, clock_, IntakeOptions{},
                                       IntakeCounters{});
    DispatcherOptions dispatch;
    dispatch.from_address = "events@example.org";
    dispatch.public_url = "https://events.example.org";
    // Hours of retries in milliseconds.
    dispatch.retry_scale = 0.00001;
    dispatch.limits.per_recipient = 5;
    dispatcher_ = std::make_unique<Dispatcher>(*outbox_, *peers_, *composer_, *sender_, clock_,
                                               dispatch, metrics_->DispatcherMetricsOf());
    event_ = MakeEvent(2);
  }

  void TearDown() override {
    dispatcher_.reset();
    registration_stub_.reset();
    channel_.reset();
    if (runner_) runner_->Shutdown();
    if (people_server_) people_server_->Shutdown();
  }

  // Publishes a domain event as its service would (their own tests cover emitting them).
  void Publish(const std::string& id, const std::string& type, const std::string& subject,
               const google::protobuf::Message& data) {
    events::v1::DomainEvent e;
    e.set_id(id);
    e.set_type(type);
    e.set_source("test");
    e.set_time_unix_ms(clock_.NowUnixMs());
    e.set_subject(subject);
    e.set_org_id(org_);
    e.set_data_type(data.GetDescriptor()->full_name());
    e.set_data(data.SerializeAsString());
    ASSERT_TRUE(bus::Publish(*redis_, *keys_, keys_->PartitionOf(subject), e).ok());
  }

  void RequestSignIn(const std::string& event_id, const std::string& link_id,
                     const std::string& member_id) {
    events::v1::SignInRequested asked;
    asked.set_link_id(link_id);
    asked.set_member_id(member_id);
    asked.set_org_id(org_);
    asked.set_expires_unix_ms(clock_.NowUnixMs() + int64_t{15} * 60000);
    Publish(event_id, "people.sign_in_requested", member_id, asked);
  }

  // Every value under the test's key prefix (hashes, strings, streams, sets, sorted sets),
  // to show what is at rest.
  std::string EverythingStored() {
    std::string dump;
    const std::vector<std::string> keys =
        ::events::testing::KeysMatching(*redis_, keys_->prefix() + "*");
    auto append_all = [&dump](const auto& r) {
      for (size_t j = 0; j < redis::ArraySize(r); ++j) {
        const auto& item = redis::ArrayAt(r, j);
        if (redis::ArraySize(item) > 0) {
          const auto& kv = redis::ArrayAt(item, 1);
          for (size_t k = 0; k < redis::ArraySize(kv); ++k) {
            dump += redis::AsString(redis::ArrayAt(kv, k)) + "\n";
          }
        } else {
          dump += redis::AsString(item) + "\n";
        }
      }
    };
    for (const std::string& key : keys) {
      dump += key + "\n";
      auto type = redis_->Command({"TYPE", key});
      EXPECT_TRUE(type.ok());
      const std::string t = redis::AsString(**type);
      std::vector<std::string> read;
      if (t == "hash") read = {"HGETALL", key};
      if (t == "string") read = {"GET", key};
      if (t == "stream") read = {"XRANGE", key, "-", "+"};
      if (t == "set") read = {"SMEMBERS", key};
      if (t == "zset") read = {"ZRANGE", key, "0", "-1"};
      if (t == "list") read = {"LRANGE", key, "0", "-1"};
      if (read.empty()) continue;
      auto all = redis_->Command(read);
      EXPECT_TRUE(all.ok());
      if (t == "string") {
        dump += redis::AsString(**all) + "\n";
      } else {
        append_all(**all);
      }
    }
    return dump;
  }

  std::unique_ptr<bus::Consumer> MakeConsumer(const std::string& name) {
    return std::make_unique<bus::Consumer>(
        *redis_, *keys_,
        bus::WorkerConsumerOptions(kNotificationsGroup, name, std::chrono::milliseconds(1)));
  }

  // A published online event in scheduling, open for registration in the fake directory.
  std::string MakeEvent(int capacity) {
    events::v1::EventDetails d;
    d.set_title("Living well with diabetes");
    d.set_format(events::v1::EVENT_FORMAT_ONLINE);
    d.set_time_zone("Europe/London");
    d.mutable_start()->set_value("2026-02-20T10:00");
    d.mutable_end()->set_value("2026-02-20T11:30");
    d.set_capacity(capacity);
    d.set_join_link("https://meet.example.org/room");
    auto made = scheduler_->Create(org_, d);
    EXPECT_TRUE(made.ok()) << made.status();
    auto published = scheduler_->Publish(org_, made->id(), made->version());
    EXPECT_TRUE(published.ok()) << published.status();
    directory_.Put(registration::testing::OpenEvent(made->id(), capacity, org_));
    return made->id();
  }

  events::v1::RegisterResponse Register(const std::string& name, const std::string& email) {
    events::v1::RegisterRequest r;
    r.set_event_id(event_);
    r.set_name(name);
    r.set_email(email);
    events::v1::RegisterResponse out;
    grpc::ClientContext ctx;
    grpc::Status s = registration_stub_->Register(&ctx, r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  // Runs the intake and the sender until `count` messages are saved (or 20 s pass).
  std::vector<std::string> Deliver(size_t count) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      EXPECT_TRUE(intake_->RunOnce().ok());
      EXPECT_TRUE(dispatcher_->RunOnce().ok());
      if (smtp_.Messages().size() >= count) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return smtp_.Messages();
  }

  // Runs both (or only the sender) until nothing is due any more, a second of the fake clock
  // a round (retries are scaled down to milliseconds).
  void Settle(bool intake = true) {
    for (int i = 0; i < 200; ++i) {
      clock_.Advance(1000);
      if (intake) {
        ASSERT_TRUE(intake_->RunOnce().ok());
      }
      auto tried = dispatcher_->RunOnce();
      ASSERT_TRUE(tried.ok());
      auto pending = outbox_->ListOutbox(org_, 200, events::v1::MAIL_STATE_PENDING);
      ASSERT_TRUE(pending.ok());
      if (pending->empty() && *tried == 0 && i > 2) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  std::vector<events::v1::OutboxMail> Outbox() {
    auto mail = outbox_->ListOutbox(org_, 200, events::v1::MAIL_STATE_UNSPECIFIED);
    EXPECT_TRUE(mail.ok());
    return mail.ok() ? *mail : std::vector<events::v1::OutboxMail>{};
  }

  events::testing::OwnSmtpServer smtp_;
  FakePeople people_;
  std::unique_ptr<events::testing::TestServer> people_server_;
  FakeClock clock_{kNow};
  IdGenerator ids_{clock_};
  registration::testing::FakeEventDirectory directory_;
  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<bus::Keyspace> keys_;
  std::unique_ptr<auth::RedisKeyStore> key_store_;
  std::unique_ptr<auth::Authenticator> auth_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<NotificationsMetrics> metrics_;
  std::unique_ptr<scheduling::RedisEventStore> event_store_;
  std::unique_ptr<scheduling::Scheduler> scheduler_;
  std::unique_ptr<scheduling::SchedulingMetrics> scheduling_metrics_;
  std::unique_ptr<scheduling::SchedulingServiceImpl> scheduling_;
  std::unique_ptr<registration::RedisRegistrationStore> reg_store_;
  std::unique_ptr<registration::Registrar> registrar_;
  std::unique_ptr<registration::RegistrationMetrics> reg_metrics_;
  std::unique_ptr<registration::RegistrationServiceImpl> registration_;
  std::unique_ptr<server::ServiceRunner> runner_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<events::v1::RegistrationService::Stub> registration_stub_;
  std::unique_ptr<RedisOutboxStore> outbox_;
  std::unique_ptr<Peers> peers_;
  std::unique_ptr<Composer> composer_;
  std::unique_ptr<CurlMailSender> sender_;
  std::unique_ptr<bus::Consumer> consumer_;
  std::unique_ptr<Intake> intake_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::string org_;
  std::string event_;
};

TEST_F(MailFlowTest, AConfirmationHasAWorkingLinkAndACalendarFile) {
  auto registered = Register("Ann Lovelace", "ann@example.org");
  auto mail = Deliver(1);
  ASSERT_EQ(mail.size(), 1u) << smtp_.Log();
  EXPECT_EQ(metrics_->send_seconds.Collect().histogram.sample_count, 1u);
  const std::string& m = mail[0];
  EXPECT_EQ(Header(m, "To"), "<ann@example.org>");
  EXPECT_EQ(Header(m, "From"), "\"Inclusive events\" <events@example.org>");
  EXPECT_EQ(Header(m, "Subject"), "You have a place at Living well with diabetes");
  const std::string text = Decoded(m, "text/plain");
  EXPECT_THAT(text, HasSubstr("Hello Ann Lovelace,"));
  EXPECT_THAT(text, HasSubstr("Friday 20 February 2026, 10am to 11:30am"));
  EXPECT_THAT(text, HasSubstr("Join the event online: https://meet.example.org/room"));
  // The link is the one Register gave, and it opens the registration.
  const std::string token = TokenIn(text);
  EXPECT_EQ(token, registered.registration_token());
  events::v1::GetMyRegistrationRequest mine;
  mine.set_registration_token(token);
  events::v1::Registration seen;
  grpc::ClientContext ctx;
  ASSERT_TRUE(registration_stub_->GetMyRegistration(&ctx, mine, &seen).ok());
  EXPECT_EQ(seen.email(), "ann@example.org");
  // The calendar file: one event with its UID and SEQUENCE 0.
  const std::string ics = Decoded(m, "text/calendar");
  EXPECT_THAT(ics, HasSubstr("BEGIN:VCALENDAR"));
  EXPECT_THAT(ics, HasSubstr("METHOD:PUBLISH"));
  EXPECT_THAT(ics, HasSubstr("SEQUENCE:0"));
  EXPECT_THAT(ics, HasSubstr("UID:"));
  EXPECT_THAT(Decoded(m, "text/html"), HasSubstr("<html lang=\"en-GB\">"));
  // Nothing usable is at rest: no key of the test's prefix holds the token.
  for (const std::string& key : ::events::testing::KeysMatching(*redis_, keys_->prefix() + "*")) {
    auto type = redis_->Command({"TYPE", key});
    ASSERT_TRUE(type.ok());
    std::string dump;
    if (redis::AsString(**type) == "hash") {
      auto all = redis_->Command({"HGETALL", key});
      for (size_t j = 0; j < redis::ArraySize(**all); ++j) {
        dump += redis::AsString(redis::ArrayAt(**all, j)) + "\n";
      }
    } else if (redis::AsString(**type) == "string") {
      dump = redis::AsString(**redis_->Command({"GET", key}));
    } else if (redis::AsString(**type) == "stream") {
      auto all = redis_->Command({"XRANGE", key, "-", "+"});
      for (size_t j = 0; j < redis::ArraySize(**all); ++j) {
        const auto& kv = redis::ArrayAt(redis::ArrayAt(**all, j), 1);
        for (size_t k = 0; k < redis::ArraySize(kv); ++k)
          dump += redis::AsString(redis::ArrayAt(kv, k));
      }
    }
    EXPECT_THAT(dump, Not(HasSubstr(token.substr(token.find('.') + 1)))) << key;
  }
}

TEST_F(MailFlowTest, TheWaitingListThenThePromotion) {
  auto first = Register("Ann", "ann@example.org");
  Register("Bob", "bob@example.org");
  Register("Cat", "cat@example.org");  // capacity 2: Cat waits
  auto mail = Deliver(3);
  ASSERT_EQ(mail.size(), 3u);
  std::string waiting;
  for (const auto& m : mail) {
    if (Header(m, "To") == "<cat@example.org>") waiting = m;
  }
  EXPECT_EQ(Header(waiting, "Subject"),
            "You are on the waiting list for Living well with diabetes");
  EXPECT_THAT(Decoded(waiting, "text/plain"), HasSubstr("You are number 1 on the list."));
  EXPECT_EQ(Decoded(waiting, "text/calendar"), "");

  events::v1::CancelMyRegistrationRequest cancel;
  cancel.set_registration_token(first.registration_token());
  events::v1::Registration cancelled;
  grpc::ClientContext ctx;
  ASSERT_TRUE(registration_stub_->CancelMyRegistration(&ctx, cancel, &cancelled).ok());
  mail = Deliver(5);
  ASSERT_EQ(mail.size(), 5u);
  std::vector<std::string> subjects;
  for (size_t i = 3; i < mail.size(); ++i) {
    subjects.push_back(Header(mail[i], "To") + " " + Header(mail[i], "Subject"));
  }
  EXPECT_THAT(subjects, ::testing::UnorderedElementsAre(
                            "<ann@example.org> Your registration for Living well with diabetes is "
                            "cancelled",
                            "<cat@example.org> A place came up: you are now going to Living well "
                            "with diabetes"));
}

TEST_F(MailFlowTest, ACancellationByTheOrganisersSaysSoWithTheirReasonEscaped) {
  auto ann = Register("Ann", "ann@example.org");
  ASSERT_EQ(Deliver(1).size(), 1u);
  registration::ChangeBy by;
  by.actor = events::v1::REGISTRATION_ACTOR_PERSON;
  by.name = "Rae Registrations";
  by.reason = "You registered twice <b>&</b> we kept the other one";
  auto cancelled = registrar_->CancelByOrganiser(org_, event_, ann.registration().id(), by);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  auto mail = Deliver(2);
  ASSERT_EQ(mail.size(), 2u);
  EXPECT_EQ(Header(mail[1], "Subject"),
            "Your registration for Living well with diabetes is cancelled");
  const std::string text = Decoded(mail[1], "text/plain");
  EXPECT_THAT(text, HasSubstr("The organisers of Living well with diabetes cancelled your "
                              "registration."));
  EXPECT_THAT(text, HasSubstr("They said why: You registered twice <b>&</b> we kept the other "
                              "one"));
  const std::string html = Decoded(mail[1], "text/html");
  EXPECT_THAT(html, HasSubstr("They said why: You registered twice &lt;b&gt;&amp;&lt;/b&gt; we "
                              "kept the other one"));
  EXPECT_THAT(html, Not(HasSubstr("<b>&</b>")));
  // The organiser's name is for the history, not for the attendee's e-mail.
  EXPECT_THAT(text, Not(HasSubstr("Rae Registrations")));
}

TEST_F(MailFlowTest, ACancellationByTheOrganisersWithoutAReasonSaysNoMore) {
  auto ann = Register("Ann", "ann@example.org");
  ASSERT_EQ(Deliver(1).size(), 1u);
  registration::ChangeBy by;
  by.actor = events::v1::REGISTRATION_ACTOR_API_KEY;
  by.name = "Mailing tool";
  ASSERT_TRUE(registrar_->CancelByOrganiser(org_, event_, ann.registration().id(), by).ok());
  auto mail = Deliver(2);
  ASSERT_EQ(mail.size(), 2u);
  const std::string text = Decoded(mail[1], "text/plain");
  EXPECT_THAT(text, HasSubstr("cancelled your registration"));
  EXPECT_THAT(text, Not(HasSubstr("They said why")));
}

TEST_F(MailFlowTest, RescheduleAndCancelTellEveryoneWithTheNextSequence) {
  Register("Ann", "ann@example.org");
  ASSERT_EQ(Deliver(1).size(), 1u);
  auto event = scheduler_->Get(org_, event_);
  ASSERT_TRUE(event.ok());
  events::v1::LocalDateTime start, end;
  start.set_value("2026-02-27T14:00");
  end.set_value("2026-02-27T15:00");
  auto moved =
      scheduler_->Reschedule(org_, event_, event->version(), start, end, "", "The speaker is ill");
  ASSERT_TRUE(moved.ok()) << moved.status();
  auto mail = Deliver(2);
  ASSERT_EQ(mail.size(), 2u);
  EXPECT_EQ(Header(mail[1], "Subject"), "Living well with diabetes has moved to a new time");
  EXPECT_THAT(Decoded(mail[1], "text/plain"), HasSubstr("Friday 27 February 2026, 2pm to 3pm"));
  EXPECT_THAT(Decoded(mail[1], "text/plain"), HasSubstr("The organisers said: The speaker is ill"));
  EXPECT_THAT(Decoded(mail[1], "text/calendar"), HasSubstr("SEQUENCE:1"));
  const std::string uid_line = [&] {
    const std::string ics = Decoded(mail[0], "text/calendar");
    const size_t at = ics.find("UID:");
    return ics.substr(at, ics.find('\r', at) - at);
  }();
  EXPECT_THAT(Decoded(mail[1], "text/calendar"), HasSubstr(uid_line));

  auto cancelled = scheduler_->Cancel(org_, event_, moved->version(), "Not enough speakers");
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  mail = Deliver(3);
  ASSERT_EQ(mail.size(), 3u);
  EXPECT_EQ(Header(mail[2], "Subject"), "Living well with diabetes is cancelled");
  const std::string ics = Decoded(mail[2], "text/calendar");
  EXPECT_THAT(ics, HasSubstr("METHOD:CANCEL"));
  EXPECT_THAT(ics, HasSubstr("SEQUENCE:2"));
  EXPECT_THAT(ics, HasSubstr(uid_line));
}

TEST_F(MailFlowTest, ATemporaryRefusalTwiceThenAcceptedIsOneEmail) {
  Register("Dee", "tempfail-2-dee@example.org");
  Settle();
  auto mail = smtp_.Messages();
  ASSERT_EQ(mail.size(), 1u) << smtp_.Log();
  auto outbox = Outbox();
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_EQ(outbox[0].state(), events::v1::MAIL_STATE_SENT);
  EXPECT_EQ(outbox[0].attempts(), 3);
  EXPECT_EQ(outbox[0].recipient(), "tempfail-2-dee@example.org");
  // Three SMTP sends, each timed; two tries counted retry, one sent.
  EXPECT_EQ(metrics_->send_seconds.Collect().histogram.sample_count, 3u);
  EXPECT_GT(metrics_->send_seconds.Collect().histogram.sample_sum, 0);
  const auto mail_total = [&](const char* outcome) {
    return events::testing::MetricValue(
        *registry_, "events_notifications_mail_total",
        {{"template", "registration_confirmed"}, {"outcome", outcome}});
  };
  EXPECT_EQ(mail_total("retry"), 2);
  EXPECT_EQ(mail_total("sent"), 1);
  EXPECT_EQ(mail_total("dead"), 0);
}

TEST_F(MailFlowTest, APermanentRefusalMarksTheAddressAndNothingMoreGoesToIt) {
  auto refused = Register("Eve", "reject-eve@example.org");
  Settle();
  auto outbox = Outbox();
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_EQ(outbox[0].state(), events::v1::MAIL_STATE_UNDELIVERABLE);
  EXPECT_THAT(outbox[0].last_error(), HasSubstr("550"));
  EXPECT_EQ(outbox[0].attempts(), 1);
  // Her cancellation is not even tried.
  events::v1::CancelMyRegistrationRequest cancel;
  cancel.set_registration_token(refused.registration_token());
  events::v1::Registration cancelled;
  grpc::ClientContext ctx;
  ASSERT_TRUE(registration_stub_->CancelMyRegistration(&ctx, cancel, &cancelled).ok());
  Settle();
  outbox = Outbox();
  ASSERT_EQ(outbox.size(), 2u);
  EXPECT_EQ(outbox[0].state(), events::v1::MAIL_STATE_UNDELIVERABLE);
  EXPECT_THAT(outbox[0].last_error(), HasSubstr("refused before"));
  EXPECT_TRUE(smtp_.Messages().empty());
}

TEST_F(MailFlowTest, AFloodOfLinkRequestsSendsABoundedNumberAndOnlyTheLastLinkWorks) {
  auto registered = Register("Fay", "fay@example.org");
  for (int i = 0; i < 30; ++i) {
    events::v1::ResendLinkRequest resend;
    resend.set_event_id(event_);
    resend.set_email("fay@example.org");
    events::v1::ResendLinkResponse out;
    grpc::ClientContext ctx;
    ASSERT_TRUE(registration_stub_->ResendLink(&ctx, resend, &out).ok());
    // One link request per millisecond: two in the same one are the same domain event.
    clock_.Advance(1);
  }
  Settle();
  // The confirmation and at most 4 links: 5 an hour to one address.
  auto mail = smtp_.Messages();
  EXPECT_EQ(mail.size(), 5u);
  int skipped = 0;
  for (const auto& m : Outbox()) skipped += m.state() == events::v1::MAIL_STATE_SKIPPED;
  EXPECT_EQ(skipped, 26);
  // Each link e-mail made a new link; the first link no longer works.
  const std::string last = TokenIn(Decoded(mail.back(), "text/plain"));
  EXPECT_NE(last, registered.registration_token());
  for (const auto& [token, works] :
       {std::pair{registered.registration_token(), false}, std::pair{last, true}}) {
    events::v1::GetMyRegistrationRequest mine;
    mine.set_registration_token(token);
    events::v1::Registration seen;
    grpc::ClientContext ctx;
    EXPECT_EQ(registration_stub_->GetMyRegistration(&ctx, mine, &seen).ok(), works);
  }
}

TEST_F(MailFlowTest, ARedeliveredEventAfterARestartSendsNothingTwice) {
  Register("Gus", "gus@example.org");
  // The first process reads the entries and makes and sends the mail, but dies before it
  // acknowledges them.
  auto read = consumer_->Poll();
  ASSERT_TRUE(read.ok());
  ASSERT_FALSE(read->empty());
  for (const auto& delivery : *read) ASSERT_TRUE(intake_->Handle(delivery).ok());
  Settle(/*intake=*/false);
  ASSERT_EQ(smtp_.Messages().size(), 1u);
  // A new process takes the unacknowledged entries over and handles them again.
  auto consumer = MakeConsumer("two");
  Intake again(*consumer, *outbox_, *peers_, clock_, IntakeOptions{}, IntakeCounters{});
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto handled = again.RunOnce();
  ASSERT_TRUE(handled.ok());
  EXPECT_GE(*handled, 1);
  Settle();
  EXPECT_EQ(smtp_.Messages().size(), 1u);
  EXPECT_EQ(Outbox().size(), 1u);
}

// What scheduling, feedback and accessibility publish reaches the right people: here the
// domain events are published as those services would (their own tests cover emitting them).
TEST_F(MailFlowTest, RemindersSurveysAndAccessMailReachTheirPeopleWithoutHealthDetails) {
  auto ann = Register("Ann", "ann@example.org");
  ASSERT_EQ(Deliver(1).size(), 1u);
  events::v1::SenderSettings settings;
  settings.set_from_name("Riverside Health Forum");
  settings.set_footer("Registered charity 123456");
  settings.add_coordinator_emails("access@example.org");
  ASSERT_TRUE(outbox_->PutSettings(org_, settings, 0, kNow).ok());
  auto publish = [&](const std::string& id, const std::string& type,
                     const google::protobuf::Message& data) {
    events::v1::DomainEvent e;
    e.set_id(id);
    e.set_type(type);
    e.set_source("test");
    e.set_time_unix_ms(clock_.NowUnixMs());
    e.set_subject(event_);
    e.set_org_id(org_);
    e.set_data_type(data.GetDescriptor()->full_name());
    e.set_data(data.SerializeAsString());
    ASSERT_TRUE(bus::Publish(*redis_, *keys_, keys_->PartitionOf(event_), e).ok());
  };
  events::v1::EventReminderDue due;
  due.set_event_id(event_);
  due.set_org_id(org_);
  due.set_minutes_before(60);
  publish("reminder-1", "event.reminder_due", due);
  events::v1::FeedbackInvitationDue survey;
  survey.set_event_id(event_);
  survey.set_org_id(org_);
  survey.set_registration_id(ann.registration().id());
  survey.set_survey_closes_unix_ms(kNow + 7 * 86400000LL);
  publish("survey-1", "feedback.invitation_due", survey);
  events::v1::AccessibilityRequestChanged request;
  request.set_request_id("ar_1");
  request.set_event_id(event_);
  request.set_org_id(org_);
  request.set_registration_id(ann.registration().id());
  request.set_status(events::v1::REQUEST_STATUS_SUBMITTED);
  publish("access-1", "accessibility.request_submitted", request);
  request.set_status(events::v1::REQUEST_STATUS_FULFILLED);
  publish("access-2", "accessibility.request_fulfilled", request);

  auto mail = Deliver(5);
  ASSERT_EQ(mail.size(), 5u);
  std::map<std::string, std::string> by_subject;
  for (size_t i = 1; i < mail.size(); ++i) by_subject[Header(mail[i], "Subject")] = mail[i];
  const std::string& reminder = by_subject["Reminder: Living well with diabetes starts in 1 hour"];
  EXPECT_THAT(Decoded(reminder, "text/plain"),
              HasSubstr("Join the event online: https://meet.example.org/room"));
  EXPECT_EQ(Header(reminder, "From"), "\"Riverside Health Forum\" <events@example.org>");
  EXPECT_THAT(Decoded(reminder, "text/plain"), HasSubstr("Registered charity 123456"));
  const std::string& asked = by_subject["Tell us what you thought of Living well with diabetes"];
  EXPECT_THAT(Decoded(asked, "text/plain"),
              HasSubstr("https://events.example.org/feedback/" + ann.registration_token()));
  const std::string& coordinators =
      by_subject["A new access request for Living well with diabetes"];
  EXPECT_EQ(Header(coordinators, "To"), "<access@example.org>");
  EXPECT_THAT(Decoded(coordinators, "text/plain"), Not(HasSubstr("Ann")));
  EXPECT_THAT(Decoded(coordinators, "text/plain"), Not(HasSubstr("/manage/")));
  const std::string& changed = by_subject["Your request for Living well with diabetes has changed"];
  EXPECT_EQ(Header(changed, "To"), "<ann@example.org>");
  EXPECT_THAT(Decoded(changed, "text/plain"), HasSubstr("what you asked for is arranged"));
}

// An invitation tells the person who invited them, to what, as what, and where to sign in;
// it carries no secret (they ask for a link on the sign-in page with this address).
TEST_F(MailFlowTest, AnInvitationGoesToTheMemberWithTheSignInPageAndNoSecret) {
  events::v1::Member bea =
      MemberOf("mem_bea", org_, "Bea Brown", "bea@example.org",
               {events::v1::MEMBER_ROLE_ACCESS_COORDINATOR}, events::v1::MEMBER_STATUS_INVITED);
  bea.set_invited_by_name("Ola Organiser");
  people_.AddMember(bea);
  events::v1::MemberInvited invited;
  invited.set_member_id("mem_bea");
  invited.set_org_id(org_);
  invited.set_invited_by_name("Ola Organiser");
  Publish("invite-1", "people.member_invited", "mem_bea", invited);
  auto mail = Deliver(1);
  ASSERT_EQ(mail.size(), 1u) << smtp_.Log();
  const std::string& m = mail[0];
  EXPECT_EQ(Header(m, "To"), "<bea@example.org>");
  EXPECT_EQ(Header(m, "Subject"),
            "Ola Organiser invited you to help run events for Riverside Forum");
  const std::string text = Decoded(m, "text/plain");
  EXPECT_THAT(text, HasSubstr("Hello Bea Brown,"));
  EXPECT_THAT(text, HasSubstr("as an access coordinator."));
  EXPECT_THAT(text, HasSubstr("To accept, go to https://events.example.org/manage/sign-in and "
                              "sign in with this e-mail address. You do not need a password."));
  // No link with a token, in either part.
  for (const std::string& part : {text, Decoded(m, "text/html")}) {
    EXPECT_THAT(part, Not(HasSubstr("/manage/sign-in/")));
    EXPECT_THAT(part, Not(HasSubstr("sil_")));
    EXPECT_THAT(part, Not(HasSubstr("evs_")));
  }
  auto outbox = Outbox();
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_EQ(outbox[0].template_(), "member_invited");
  EXPECT_EQ(outbox[0].state(), events::v1::MAIL_STATE_SENT);
}

TEST_F(MailFlowTest, AnInvitationToAMemberRemovedSinceIsNotSent) {
  people_.AddMember(MemberOf("mem_gone", org_, "Gus Gone", "gus@example.org",
                             {events::v1::MEMBER_ROLE_VIEWER}, events::v1::MEMBER_STATUS_REMOVED));
  events::v1::MemberInvited invited;
  invited.set_member_id("mem_gone");
  invited.set_org_id(org_);
  Publish("invite-2", "people.member_invited", "mem_gone", invited);
  Settle();
  EXPECT_TRUE(smtp_.Messages().empty());
  auto outbox = Outbox();
  ASSERT_EQ(outbox.size(), 1u);
  EXPECT_EQ(outbox[0].state(), events::v1::MAIL_STATE_SKIPPED);
  EXPECT_THAT(outbox[0].last_error(), HasSubstr("removed"));
}

// The sign-in e-mail carries exactly the token people made for the link, asked for when the
// e-mail is sent; nothing at rest holds it.
TEST_F(MailFlowTest, ASignInMailCarriesTheIssuedTokenAndNothingStoresIt) {
  people_.AddMember(MemberOf("mem_bea", org_, "Bea Brown", "bea@example.org",
                             {events::v1::MEMBER_ROLE_ORGANISER}));
  const std::string token = "sil_1.Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5";
  people_.AddLink("sil_1", {token, "mem_bea", clock_.NowUnixMs() + int64_t{15} * 60000});
  RequestSignIn("signin-1", "sil_1", "mem_bea");
  auto mail = Deliver(1);
  ASSERT_EQ(mail.size(), 1u) << smtp_.Log();
  const std::string& m = mail[0];
  EXPECT_EQ(Header(m, "To"), "<bea@example.org>");
  EXPECT_EQ(Header(m, "Subject"), "Your link to sign in to Riverside Forum");
  const std::string text = Decoded(m, "text/plain");
  const std::string prefix = "https://events.example.org/manage/sign-in/";
  const size_t at = text.find(prefix);
  ASSERT_NE(at, std::string::npos) << text;
  const size_t end = text.find_first_of(" \n", at);
  EXPECT_EQ(text.substr(at + prefix.size(), end - at - prefix.size()), token);
  EXPECT_THAT(Decoded(m, "text/html"), HasSubstr("href=\"" + prefix + token + "\""));
  EXPECT_THAT(text, HasSubstr("It works once, for 15 minutes."));
  EXPECT_THAT(text, HasSubstr("only in the browser where you asked"));
  EXPECT_THAT(text, HasSubstr("If you did not ask to sign in, ignore this e-mail."));
  EXPECT_EQ(people_.Calls("sil_1"), 1);
  const std::string stored = EverythingStored();
  EXPECT_THAT(stored, HasSubstr("sil_1"));  // the dump does read the outbox
  EXPECT_THAT(stored, Not(HasSubstr(token.substr(token.find('.') + 1))));
}

// A link used or expired before its e-mail went (people answers FAILED_PRECONDITION, or
// NOT_FOUND once it is gone) sends nothing and is never tried again; people being away is
// tried again, as for every peer.
TEST_F(MailFlowTest, AUsedOrExpiredSignInLinkIsSkippedAndPeopleAwayIsRetried) {
  people_.AddMember(MemberOf("mem_bea", org_, "Bea Brown", "bea@example.org",
                             {events::v1::MEMBER_ROLE_ORGANISER}));
  FakePeople::Link used{"sil_2.used", "mem_bea", clock_.NowUnixMs() + int64_t{15} * 60000};
  used.used = true;
  people_.AddLink("sil_2", used);
  FakePeople::Link later{"sil_4.later", "mem_bea", clock_.NowUnixMs() + int64_t{15} * 60000};
  later.unavailable = 1;
  people_.AddLink("sil_4", later);
  RequestSignIn("signin-2", "sil_2", "mem_bea");
  RequestSignIn("signin-3", "sil_3", "mem_bea");  // people no longer knows it
  RequestSignIn("signin-4", "sil_4", "mem_bea");
  Settle();
  auto mail = smtp_.Messages();
  ASSERT_EQ(mail.size(), 1u) << smtp_.Log();
  EXPECT_THAT(Decoded(mail[0], "text/plain"), HasSubstr("/manage/sign-in/sil_4.later"));
  std::map<std::string, events::v1::OutboxMail> by_cause;
  for (const auto& m : Outbox()) by_cause[m.cause_event_id()] = m;
  ASSERT_EQ(by_cause.size(), 3u);
  for (const char* cause : {"signin-2", "signin-3"}) {
    EXPECT_EQ(by_cause[cause].state(), events::v1::MAIL_STATE_SKIPPED) << cause;
    EXPECT_EQ(by_cause[cause].attempts(), 1) << cause;
    EXPECT_THAT(by_cause[cause].last_error(), HasSubstr("no sign-in link to send")) << cause;
  }
  EXPECT_THAT(by_cause["signin-2"].last_error(), HasSubstr("the link was used"));
  EXPECT_EQ(by_cause["signin-4"].state(), events::v1::MAIL_STATE_SENT);
  EXPECT_EQ(by_cause["signin-4"].attempts(), 2);
  // Settle ran long enough for any retry (retries take milliseconds here): none came.
  EXPECT_EQ(people_.Calls("sil_2"), 1);
  EXPECT_EQ(people_.Calls("sil_4"), 2);
}

// Access coordinators are the organisation's active members with the role, and the sender
// settings' addresses; each address once, whatever its case; nobody else.
TEST_F(MailFlowTest, CoordinatorsMailGoesToMembersWithTheRoleAndSettingsAddressesOnce) {
  using events::v1::MEMBER_ROLE_ACCESS_COORDINATOR;
  using events::v1::MEMBER_ROLE_ORGANISER;
  using events::v1::MEMBER_ROLE_VIEWER;
  people_.AddMember(
      MemberOf("mem_bea", org_, "Bea", "Bea@Example.org", {MEMBER_ROLE_ACCESS_COORDINATOR}));
  people_.AddMember(MemberOf("mem_cy", org_, "Cy", "cy@example.org",
                             {MEMBER_ROLE_ORGANISER, MEMBER_ROLE_ACCESS_COORDINATOR}));
  people_.AddMember(MemberOf("mem_ola", org_, "Ola", "ola@example.org", {MEMBER_ROLE_ORGANISER}));
  people_.AddMember(MemberOf("mem_vi", org_, "Vi", "vi@example.org", {MEMBER_ROLE_VIEWER}));
  people_.AddMember(MemberOf("mem_new", org_, "Nia", "nia@example.org",
                             {MEMBER_ROLE_ACCESS_COORDINATOR}, events::v1::MEMBER_STATUS_INVITED));
  people_.AddMember(
      MemberOf("mem_other", "org_other", "Oz", "oz@example.org", {MEMBER_ROLE_ACCESS_COORDINATOR}));
  events::v1::SenderSettings settings;
  settings.add_coordinator_emails("bea@example.org");
  settings.add_coordinator_emails("desk@example.org");
  ASSERT_TRUE(outbox_->PutSettings(org_, settings, 0, kNow).ok());
  events::v1::AccessibilityRequestChanged request;
  request.set_request_id("ar_1");
  request.set_event_id(event_);
  request.set_org_id(org_);
  request.set_registration_id("rg_1");
  request.set_status(events::v1::REQUEST_STATUS_SUBMITTED);
  Publish("access-new", "accessibility.request_submitted", event_, request);
  request.set_status(events::v1::REQUEST_STATUS_ACKNOWLEDGED);
  Publish("access-risk", "accessibility.request_at_risk", event_, request);
  Settle();
  std::multiset<std::string> sent;
  for (const auto& m : smtp_.Messages()) {
    sent.insert(absl::StrCat(absl::AsciiStrToLower(Header(m, "To")), " ",
                             Header(m, "Subject").substr(0, 8)));
  }
  EXPECT_THAT(sent, ::testing::UnorderedElementsAre(
                        "<bea@example.org> A new ac", "<cy@example.org> A new ac",
                        "<desk@example.org> A new ac", "<bea@example.org> An acces",
                        "<cy@example.org> An acces", "<desk@example.org> An acces"));
  for (const auto role : people_.RolesAsked()) EXPECT_EQ(role, MEMBER_ROLE_ACCESS_COORDINATOR);
  EXPECT_FALSE(people_.RolesAsked().empty());
}

// A busy access coordinator who had this hour's e-mails (5 here) can still sign in: people
// limits sign-in requests itself, and nobody waiting at a browser is skipped or held.
TEST_F(MailFlowTest, ASignInLinkIsSentEvenWhenTheAddressHadItsEmailsThisHour) {
  people_.AddMember(MemberOf("mem_bea", org_, "Bea", "bea@example.org",
                             {events::v1::MEMBER_ROLE_ACCESS_COORDINATOR}));
  events::v1::AccessibilityRequestChanged request;
  request.set_event_id(event_);
  request.set_org_id(org_);
  request.set_status(events::v1::REQUEST_STATUS_SUBMITTED);
  for (int i = 0; i < 6; ++i) {
    request.set_request_id(absl::StrCat("ar_", i));
    Publish(absl::StrCat("access-", i), "accessibility.request_submitted", event_, request);
  }
  Settle();
  ASSERT_EQ(smtp_.Messages().size(), 5u);  // the sixth was over the limit
  people_.AddLink("sil_1", {"sil_1.busy", "mem_bea", clock_.NowUnixMs() + int64_t{15} * 60000});
  RequestSignIn("signin-1", "sil_1", "mem_bea");
  Settle();
  auto mail = smtp_.Messages();
  ASSERT_EQ(mail.size(), 6u);
  EXPECT_EQ(Header(mail.back(), "Subject"), "Your link to sign in to Riverside Forum");
  EXPECT_EQ(Header(mail.back(), "To"), "<bea@example.org>");
}

// A link e-mailed late (after people was away) says what is left of its life.
TEST_F(MailFlowTest, ALinkSentLateSaysWhatIsLeftOfItsLife) {
  people_.AddMember(
      MemberOf("mem_bea", org_, "Bea", "bea@example.org", {events::v1::MEMBER_ROLE_ORGANISER}));
  people_.AddLink("sil_1",
                  {"sil_1.late", "mem_bea", clock_.NowUnixMs() + int64_t{5} * 60000 + 20000});
  RequestSignIn("signin-1", "sil_1", "mem_bea");
  auto mail = Deliver(1);
  ASSERT_EQ(mail.size(), 1u) << smtp_.Log();
  EXPECT_THAT(Decoded(mail[0], "text/plain"), HasSubstr("It works once, for 5 minutes."));
}

}  // namespace
}  // namespace events::notifications
