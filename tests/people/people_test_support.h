#pragma once

// The people service over real gRPC on the suite's Redis, with a scheduling service beside
// it (a session must work on other services too), an injected clock, and helpers that sign
// in the way the console and notifications do: RequestSignIn, the link read from the
// people.sign_in_requested event through IssueSignInLink (as notifications does), then
// CompleteSignIn.
#include <grpcpp/grpcpp.h>
#include <oath.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "common/auth/authenticator.h"
#include "common/auth/key_store.h"
#include "common/auth/people_keys.h"
#include "common/bus/event_bus.h"
#include "common/bus/keyspace.h"
#include "common/redis/redis_client.h"
#include "common/testing/grpc_service_harness.h"
#include "common/testing/redis_for_test.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "events/v1/people.grpc.pb.h"
#include "events/v1/scheduling.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/people/domain/people.h"
#include "services/people/server/people_service.h"
#include "services/people/store/redis_people_store.h"
#include "services/scheduling/domain/scheduler.h"
#include "services/scheduling/server/scheduling_metrics.h"
#include "services/scheduling/server/scheduling_service.h"
#include "services/scheduling/store/redis_event_store.h"

namespace events::people::testing {

using events::testing::GrpcServiceHarness;
using events::v1::MemberRole;

class PeopleTest : public ::testing::Test {
 protected:
  static constexpr int64_t kMinute = 60'000;

  void SetUp() override {
    auto options = events::testing::TestRedisOptions();
    ASSERT_FALSE(HasFailure());
    redis_ = std::make_unique<redis::RedisClient>(options);
    // The organisation, its keys and the scheduling service beside people are not people's
    // to write: they go through the admin connection (the same one unless the redis_acl test
    // runs this suite as the people user).
    admin_redis_ = std::make_unique<redis::RedisClient>(events::testing::TestAdminRedisOptions());
    ASSERT_FALSE(HasFailure());
    keys_ = std::make_unique<bus::Keyspace>(events::testing::UniqueKeyPrefix(), 4);
    key_store_ = std::make_unique<auth::RedisKeyStore>(*redis_, *keys_);
    admin_key_store_ = std::make_unique<auth::RedisKeyStore>(*admin_redis_, *keys_);
    auth_ = std::make_unique<auth::Authenticator>(*key_store_, clock_);
    store_ = std::make_unique<RedisPeopleStore>(*redis_, *keys_);
    options_.link_secret = std::string(32, 'L');
    options_.encryption_key = std::string(32, 'K');
    people_ = std::make_unique<People>(*store_, *key_store_, clock_, ids_, options_);
    service_ = std::make_unique<PeopleServiceImpl>(*people_, *auth_);

    event_store_ = std::make_unique<scheduling::RedisEventStore>(
        *admin_redis_, *keys_, scheduling::RedisEventStore::Options{});
    scheduler_ = std::make_unique<scheduling::Scheduler>(*event_store_, clock_, ids_);
    scheduling_metrics_ = std::make_unique<scheduling::SchedulingMetrics>(*registry_);
    scheduling_ = std::make_unique<scheduling::SchedulingServiceImpl>(*scheduler_, *auth_,
                                                                      *scheduling_metrics_);
    server_ = std::make_unique<events::testing::TestServer>(registry_);
    absl::Status started = server_->Start("people", {service_.get(), scheduling_.get()});
    ASSERT_TRUE(started.ok()) << started;
    stub_ = events::v1::PeopleService::NewStub(server_->Channel());
    scheduling_stub_ = events::v1::SchedulingService::NewStub(server_->Channel());

    auto boot =
        auth::BootstrapOrganisation(*admin_key_store_, ids_, clock_, "Riverside Carers Forum");
    ASSERT_TRUE(boot.ok()) << boot.status();
    org_ = boot->org.id;
    org_key_ = boot->key.plaintext;
    auto service_key = auth::IssueKey(*admin_key_store_, ids_, clock_, "", {auth::Role::kService},
                                      {}, "notifications");
    ASSERT_TRUE(service_key.ok());
    service_key_ = service_key->plaintext;
  }
  void TearDown() override {
    stub_.reset();
    scheduling_stub_.reset();
    if (server_) server_->Shutdown();
  }

  static std::unique_ptr<grpc::ClientContext> Call(const std::string& token = "") {
    return GrpcServiceHarness::Call(token);
  }

  // Invites a person with the organisation's key (or `as`).
  events::v1::Member Invite(const std::string& name, const std::string& email,
                            const std::vector<MemberRole>& roles, const std::string& as = "") {
    events::v1::InviteMemberRequest req;
    req.set_name(name);
    req.set_email(email);
    for (MemberRole r : roles) req.add_roles(r);
    events::v1::Member member;
    grpc::Status s = stub_->InviteMember(Call(as.empty() ? org_key_ : as).get(), req, &member);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return member;
  }

  grpc::Status RequestSignIn(const std::string& email, const std::string& browser,
                             events::v1::RequestSignInResponse* resp = nullptr) {
    events::v1::RequestSignInRequest req;
    req.set_email(email);
    req.set_browser_secret(browser);
    events::v1::RequestSignInResponse ignored;
    return stub_->RequestSignIn(Call().get(), req, resp ? resp : &ignored);
  }

  // PTTL and EXISTS of a key, and whether a session hash is in a member's sessions set.
  int64_t Ttl(const std::string& key) {
    auto reply = redis_->Command({"PTTL", key});
    EXPECT_TRUE(reply.ok());
    return reply.ok() ? redis::AsInt(**reply) : -3;
  }
  int64_t Exists(const std::string& key) {
    auto reply = redis_->Command({"EXISTS", key});
    EXPECT_TRUE(reply.ok());
    return reply.ok() ? redis::AsInt(**reply) : -1;
  }
  bool IsMember(const std::string& member_id, const std::string& session_hash) {
    auto reply = redis_->Command(
        {"SISMEMBER", auth::MemberKey(*keys_, member_id) + ":sessions", session_hash});
    EXPECT_TRUE(reply.ok());
    return reply.ok() && redis::AsInt(**reply) == 1;
  }

  // The people.sign_in_requested events of the member on people's stream (partition 0's),
  // oldest first.
  std::vector<events::v1::SignInRequested> SignInEvents(const std::string& member_id) {
    std::vector<events::v1::SignInRequested> out;
    auto reply = redis_->Command({"XRANGE", keys_->Stream(auth::kPeoplePartition), "-", "+"});
    EXPECT_TRUE(reply.ok());
    if (!reply.ok()) return out;
    for (size_t i = 0; i < redis::ArraySize(**reply); ++i) {
      const redisReply& fields = redis::ArrayAt(redis::ArrayAt(**reply, i), 1);
      std::vector<std::pair<std::string, std::string>> pairs;
      for (size_t f = 0; f + 1 < redis::ArraySize(fields); f += 2) {
        pairs.emplace_back(redis::AsString(redis::ArrayAt(fields, f)),
                           redis::AsString(redis::ArrayAt(fields, f + 1)));
      }
      auto event = bus::FromStreamFields(pairs);
      if (!event.ok() || event->type() != "people.sign_in_requested") continue;
      events::v1::SignInRequested payload;
      EXPECT_TRUE(payload.ParseFromString(event->data()));
      if (payload.member_id() == member_id) out.push_back(payload);
    }
    return out;
  }

  // The token of the member's newest link, as notifications gets it.
  std::string LatestLinkToken(const std::string& member_id) {
    std::vector<events::v1::SignInRequested> events = SignInEvents(member_id);
    EXPECT_FALSE(events.empty()) << "no sign-in link for " << member_id;
    if (events.empty()) return "";
    events::v1::IssueSignInLinkRequest req;
    req.set_link_id(events.back().link_id());
    events::v1::SignInLink link;
    grpc::Status s = stub_->IssueSignInLink(Call(service_key_).get(), req, &link);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return link.token();
  }

  grpc::Status Complete(const std::string& token, const std::string& browser,
                        events::v1::SignInSession* session) {
    events::v1::CompleteSignInRequest req;
    req.set_link_token(token);
    req.set_browser_secret(browser);
    return stub_->CompleteSignIn(Call().get(), req, session);
  }

  // Signs the member in from a new browser; the session (pending when they have an app).
  events::v1::SignInSession SignIn(const events::v1::Member& member) {
    const std::string browser = NewBrowser();
    grpc::Status asked = RequestSignIn(member.email(), browser);
    EXPECT_TRUE(asked.ok()) << asked.error_message();
    events::v1::SignInSession session;
    grpc::Status done = Complete(LatestLinkToken(member.member_id()), browser, &session);
    EXPECT_TRUE(done.ok()) << done.error_message();
    return session;
  }

  static std::string NewBrowser() { return "browser-" + RandomToken(32); }

  // The code an authenticator app shows now for a base32 key (with spaces), by liboath.
  std::string AppCode(const std::string& secret_base32) const {
    std::string plain;
    for (char c : secret_base32) {
      if (c != ' ') plain.push_back(c);
    }
    char* key = nullptr;
    size_t key_len = 0;
    EXPECT_EQ(oath_init(), OATH_OK);
    EXPECT_EQ(oath_base32_decode(plain.data(), plain.size(), &key, &key_len), OATH_OK);
    char code[7] = {};
    EXPECT_EQ(oath_totp_generate(key, key_len, static_cast<time_t>(clock_.NowUnixMs() / 1000), 30,
                                 0, 6, code),
              OATH_OK);
    free(key);  // NOLINT(cppcoreguidelines-no-malloc): liboath allocates with malloc
    return std::string(code, 6);
  }

  // Sets up an authenticator app in `token`'s session; its base32 key, and the recovery
  // codes in *codes.
  std::string SetUpApp(const std::string& token, std::vector<std::string>* codes = nullptr) {
    events::v1::SecondFactorSetup setup;
    grpc::Status s = stub_->StartSecondFactorSetup(Call(token).get(), {}, &setup);
    EXPECT_TRUE(s.ok()) << s.error_message();
    events::v1::ConfirmSecondFactorRequest confirm;
    confirm.set_code(AppCode(setup.secret_base32()));
    events::v1::RecoveryCodes recovery;
    s = stub_->ConfirmSecondFactor(Call(token).get(), confirm, &recovery);
    EXPECT_TRUE(s.ok()) << s.error_message();
    if (codes != nullptr) codes->assign(recovery.codes().begin(), recovery.codes().end());
    // The next code is for the next time step.
    clock_.Advance(30'000);
    return setup.secret_base32();
  }

  grpc::Status Verify(const std::string& token, const std::string& code,
                      const std::string& recovery, events::v1::SignInSession* out) {
    events::v1::VerifySecondFactorRequest req;
    req.set_code(code);
    req.set_recovery_code(recovery);
    return stub_->VerifySecondFactor(Call(token).get(), req, out);
  }

  std::vector<events::v1::PeopleAuditEntry> Audit() {
    events::v1::ListPeopleAuditRequest req;
    req.mutable_page()->set_page_size(100);
    events::v1::ListPeopleAuditResponse resp;
    grpc::Status s = stub_->ListPeopleAudit(Call(org_key_).get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return {resp.entries().begin(), resp.entries().end()};
  }

  // ListOrganisationEvents on the scheduling service: a read viewers may make.
  grpc::Status ListEvents(const std::string& token) {
    events::v1::ListOrganisationEventsRequest req;
    events::v1::ListEventsResponse resp;
    return scheduling_stub_->ListOrganisationEvents(Call(token).get(), req, &resp);
  }
  // CreateEvent with an empty request: PERMISSION_DENIED for a caller who may not write,
  // INVALID_ARGUMENT (about the details) for one who may.
  grpc::Status CreateEmptyEvent(const std::string& token) {
    events::v1::CreateEventRequest req;
    events::v1::Event resp;
    return scheduling_stub_->CreateEvent(Call(token).get(), req, &resp);
  }

  FakeClock clock_{1'780'000'000'000};
  IdGenerator ids_{clock_};
  PeopleOptions options_;
  std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<redis::RedisClient> admin_redis_;
  std::unique_ptr<bus::Keyspace> keys_;
  std::unique_ptr<auth::RedisKeyStore> key_store_;
  // Organisations and their keys, written as an installer would (TestAdminRedisOptions).
  std::unique_ptr<auth::RedisKeyStore> admin_key_store_;
  std::unique_ptr<auth::Authenticator> auth_;
  std::unique_ptr<RedisPeopleStore> store_;
  std::unique_ptr<People> people_;
  std::unique_ptr<PeopleServiceImpl> service_;
  std::unique_ptr<scheduling::RedisEventStore> event_store_;
  std::unique_ptr<scheduling::Scheduler> scheduler_;
  std::unique_ptr<scheduling::SchedulingMetrics> scheduling_metrics_;
  std::unique_ptr<scheduling::SchedulingServiceImpl> scheduling_;
  std::unique_ptr<events::testing::TestServer> server_;
  std::unique_ptr<events::v1::PeopleService::Stub> stub_;
  std::unique_ptr<events::v1::SchedulingService::Stub> scheduling_stub_;
  std::string org_;
  std::string org_key_;
  std::string service_key_;
};

}  // namespace events::people::testing
