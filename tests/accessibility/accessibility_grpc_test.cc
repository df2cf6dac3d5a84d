// The accessibility service through real gRPC, with real scheduling and registration services
// in this process, on the test Redis: who may call what, and a reschedule reaching requests
// through scheduling's domain events.
#include <grpcpp/grpcpp.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <chrono>
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/auth/people_keys.h"
#include "common/bus/event_bus.h"
#include "common/testing/grpc_service_harness.h"
#include "common/util/ids.h"
#include "events/v1/accessibility.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/accessibility/domain/access_desk.h"
#include "services/accessibility/peers/grpc_directories.h"
#include "services/accessibility/server/accessibility_service.h"
#include "services/accessibility/store/redis_accessibility_store.h"
#include "services/accessibility/worker/schedule_listener.h"
#include "tests/registration/facts/in_process_registration.h"

namespace events::accessibility {
namespace {

using events::v1::AccessibilityService;
using ::testing::HasSubstr;

class AccessibilityGrpcTest : public events::registration::testing::InProcessRegistrationTest {
 protected:
  void SetUp() override {
    InProcessRegistrationTest::SetUp();
    ASSERT_FALSE(HasFailure());
    // Accessibility, calling both.
    acc_store_ = std::make_unique<RedisAccessibilityStore>(*redis_, *keys_,
                                                           RedisAccessibilityStore::Options{});
    events_ = std::make_unique<GrpcEventDirectory>(channel_, service_key_, std::chrono::seconds(5),
                                                   address_);
    registrations_ = std::make_unique<GrpcRegistrationDirectory>(
        grpc::CreateChannel(reg_server_.address(), grpc::InsecureChannelCredentials()),
        service_key_, std::chrono::seconds(5), reg_server_.address());
    desk_ =
        std::make_unique<AccessDesk>(*acc_store_, *events_, *registrations_, cipher_, clock_, ids_);
    acc_metrics_ = std::make_unique<AccessibilityMetrics>(*acc_registry_);
    acc_service_ = std::make_unique<AccessibilityServiceImpl>(*desk_, *auth_, *acc_metrics_);
    absl::Status acc_started = acc_server_.Start("accessibility", {acc_service_.get()});
    ASSERT_TRUE(acc_started.ok()) << acc_started;
    stub_ = AccessibilityService::NewStub(acc_server_.Channel());

    // The bootstrap key (organiser_key_) has both roles; this one is an organiser only.
    auto organiser = auth::IssueKey(*key_store_, ids_, clock_, org_, {auth::Role::kOrganiser}, {},
                                    "organiser only");
    ASSERT_TRUE(organiser.ok());
    organiser_only_key_ = organiser->plaintext;
    event_ = MustCreate().id();
    MustPublish(event_);
  }
  void TearDown() override {
    acc_server_.Shutdown();
    InProcessRegistrationTest::TearDown();
  }

  std::string MustRegister(const std::string& email) {
    events::v1::RegisterRequest r;
    r.set_event_id(event_);
    r.set_name("Sam Patel");
    r.set_email(email);
    events::v1::RegisterResponse resp;
    grpc::Status s = reg_stub_->Register(Call("").get(), r, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp.registration_token();
  }

  events::v1::AccessibilityRequest MustSubmit(const std::string& token) {
    events::v1::SubmitRequestRequest r;
    r.set_registration_token(token);
    r.add_needs("bsl_interpreter");
    r.mutable_details()->set_details("BSL is my first language");
    r.mutable_details()->set_contact_method(events::v1::CONTACT_METHOD_REGISTRATION_EMAIL);
    r.set_consent(true);
    events::v1::AccessibilityRequest out;
    grpc::Status s = stub_->SubmitRequest(Call("").get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }
  // Four more registrants asking for the same: counts are shown from five alike
  // (ACCESSIBILITY_MIN_GROUP's default).
  void SubmitFourMore() {
    for (int i = 0; i < 4; ++i) MustSubmit(MustRegister(absl::StrCat("person", i, "@example.org")));
  }

  // A signed-in person of the organisation (a session as the people service writes it, with
  // a second factor given): the token to send as the bearer.
  std::string SignedInPerson(const std::string& member_id, const std::string& name,
                             const std::string& roles) {
    const int64_t now = clock_.NowUnixMs();
    EXPECT_TRUE(redis_
                    ->Command({"HSET", auth::MemberKey(*keys_, member_id), "org_id", org_, "name",
                               name, "roles", roles, "status", "active"})
                    .ok());
    std::string token = "evs_" + std::string(43, 'P');
    token[5] = member_id.back();
    EXPECT_TRUE(
        redis_
            ->Command({"HSET", auth::SessionKey(*keys_, Sha256Hex(token)), "member_id", member_id,
                       "org_id", org_, "created_ms", std::to_string(now), "expires_ms",
                       std::to_string(now + 3600000), "idle_ms", "1800000", "seen_ms",
                       std::to_string(now), "second_factor", "1", "pending", "0"})
            .ok());
    return token;
  }

  std::unique_ptr<RedisAccessibilityStore> acc_store_;
  std::unique_ptr<GrpcEventDirectory> events_;
  std::unique_ptr<GrpcRegistrationDirectory> registrations_;
  DetailCipher cipher_{{"k1", std::string(32, 'k')}};
  std::unique_ptr<AccessDesk> desk_;
  std::shared_ptr<prometheus::Registry> acc_registry_ = std::make_shared<prometheus::Registry>();
  std::unique_ptr<AccessibilityMetrics> acc_metrics_;
  std::unique_ptr<AccessibilityServiceImpl> acc_service_;
  events::testing::TestServer acc_server_{acc_registry_};
  std::unique_ptr<AccessibilityService::Stub> stub_;
  std::string organiser_only_key_, event_;
};

TEST_F(AccessibilityGrpcTest, OrganisersSeeCountsButNeverDetails) {
  const std::string token = MustRegister("sam@example.org");
  events::v1::AccessibilityRequest submitted = MustSubmit(token);
  EXPECT_EQ(submitted.status(), events::v1::REQUEST_STATUS_SUBMITTED);
  EXPECT_EQ(acc_metrics_->submitted.Value(), 1);

  events::v1::GetMyRequestRequest mine;
  mine.set_registration_token(token);
  events::v1::AccessibilityRequest seen;
  ASSERT_TRUE(stub_->GetMyRequest(Call("").get(), mine, &seen).ok());
  EXPECT_EQ(seen.details().details(), "BSL is my first language");

  events::v1::GetRequestCountsRequest counts_req;
  counts_req.set_event_id(event_);
  events::v1::RequestCounts counts;
  ASSERT_TRUE(stub_->GetRequestCounts(Call(organiser_only_key_).get(), counts_req, &counts).ok());
  EXPECT_EQ(counts.requests(), 0);  // one request alone is not shown
  EXPECT_EQ(counts.min_group(), 5);
  SubmitFourMore();
  ASSERT_TRUE(stub_->GetRequestCounts(Call(organiser_only_key_).get(), counts_req, &counts).ok());
  EXPECT_EQ(counts.requests(), 5);
  ASSERT_EQ(counts.counts_size(), 1);
  EXPECT_EQ(counts.counts(0).need(), "bsl_interpreter");

  events::v1::GetRequestRequest get;
  get.set_request_id(submitted.id());
  events::v1::AccessibilityRequest details;
  grpc::Status denied = stub_->GetRequest(Call(organiser_only_key_).get(), get, &details);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(denied.error_message(), HasSubstr("access_coordinator"));
  events::v1::ListRequestsRequest list;
  list.set_event_id(event_);
  events::v1::ListRequestsResponse listed;
  EXPECT_EQ(stub_->ListRequests(Call(organiser_only_key_).get(), list, &listed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(stub_->GetRequest(Call("").get(), get, &details).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(stub_->GetRequest(Call(other_key_).get(), get, &details).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(stub_->GetRequestCounts(Call(other_key_).get(), counts_req, &counts).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // The coordinator reads them, and the read is in the audit log.
  ASSERT_TRUE(stub_->GetRequest(Call(organiser_key_).get(), get, &details).ok());
  EXPECT_EQ(details.details().details(), "BSL is my first language");
  events::v1::ListAuditLogResponse audit;
  ASSERT_TRUE(stub_->ListAuditLog(Call(organiser_key_).get(), {}, &audit).ok());
  ASSERT_EQ(audit.entries_size(), 1);
  EXPECT_EQ(audit.entries(0).request_id(), submitted.id());
  EXPECT_EQ(audit.entries(0).rpc(), "GetRequest");
  EXPECT_EQ(stub_->ListAuditLog(Call(organiser_only_key_).get(), {}, &audit).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(AccessibilityGrpcTest, AnIntegrationKeyWithTheCountsScopeGetsCountsAndNothingElse) {
  MustSubmit(MustRegister("sam@example.org"));
  SubmitFourMore();
  auto counts_key = auth::IssueKey(*key_store_, ids_, clock_, org_, {auth::Role::kIntegration},
                                   {"accessibility:counts"}, "dashboard");
  ASSERT_TRUE(counts_key.ok()) << counts_key.status();
  auto other_scopes =
      auth::IssueKey(*key_store_, ids_, clock_, org_, {auth::Role::kIntegration},
                     {"events:read", "registrations:read", "feedback:read"}, "no counts scope");
  ASSERT_TRUE(other_scopes.ok()) << other_scopes.status();
  const std::string key = counts_key->plaintext;

  // Counts for its own organisation's event.
  events::v1::GetRequestCountsRequest counts_req;
  counts_req.set_event_id(event_);
  events::v1::RequestCounts counts;
  grpc::Status s = stub_->GetRequestCounts(Call(key).get(), counts_req, &counts);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(counts.event_id(), event_);
  EXPECT_EQ(counts.requests(), 5);
  ASSERT_EQ(counts.counts_size(), 1);
  EXPECT_EQ(counts.counts(0).need(), "bsl_interpreter");
  EXPECT_EQ(counts.counts(0).status(), events::v1::REQUEST_STATUS_SUBMITTED);
  EXPECT_EQ(counts.counts(0).count(), 5);

  // Another organisation's event is not found, as for its organisers.
  events::v1::SchedulingService::Stub& scheduling = *InProcessSchedulingTest::stub_;
  events::v1::CreateEventRequest create;
  *create.mutable_details() = registration::testing::FutureWebinar();
  events::v1::Event elsewhere;
  ASSERT_TRUE(scheduling.CreateEvent(Call(other_key_).get(), create, &elsewhere).ok());
  events::v1::PublishEventRequest publish;
  publish.set_event_id(elsewhere.id());
  ASSERT_TRUE(scheduling.PublishEvent(Call(other_key_).get(), publish, &elsewhere).ok());
  events::v1::GetRequestCountsRequest theirs;
  theirs.set_event_id(elsewhere.id());
  EXPECT_EQ(stub_->GetRequestCounts(Call(key).get(), theirs, &counts).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(stub_->GetRequestCounts(Call(other_key_).get(), theirs, &counts).ok());

  // Without the scope: refused, naming the roles and the scope.
  s = stub_->GetRequestCounts(Call(other_scopes->plaintext).get(), counts_req, &counts);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("accessibility:counts"));

  // Every other keyed call refuses it, naming the role needed.
  auto expect_denied = [](const grpc::Status& status, const std::string& rpc,
                          const std::string& role) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << rpc;
    EXPECT_THAT(status.error_message(), HasSubstr(role)) << rpc;
    EXPECT_THAT(status.error_message(), ::testing::Not(HasSubstr("scope"))) << rpc;
  };
  events::v1::AccessibilityRequest request;
  events::v1::ListRequestsResponse listed;
  events::v1::Catalogue catalogue;
  {
    events::v1::ListRequestsRequest r;
    r.set_event_id(event_);
    expect_denied(stub_->ListRequests(Call(key).get(), r, &listed), "ListRequests",
                  "access_coordinator");
  }
  {
    events::v1::GetRequestRequest r;
    r.set_request_id("ar_01J0000000000000000000000");
    expect_denied(stub_->GetRequest(Call(key).get(), r, &request), "GetRequest",
                  "access_coordinator");
  }
  {
    events::v1::TransitionRequestRequest r;
    expect_denied(stub_->TransitionRequest(Call(key).get(), r, &request), "TransitionRequest",
                  "access_coordinator");
  }
  expect_denied(stub_->ListAtRisk(Call(key).get(), {}, &listed), "ListAtRisk",
                "access_coordinator");
  {
    events::v1::Provision provision;
    expect_denied(stub_->AddProvision(Call(key).get(), {}, &provision), "AddProvision",
                  "access_coordinator");
    events::v1::ListProvisionsResponse provisions;
    expect_denied(stub_->ListProvisions(Call(key).get(), {}, &provisions), "ListProvisions",
                  "access_coordinator");
    events::v1::FulfilWithProvisionResponse fulfilled;
    expect_denied(stub_->FulfilWithProvision(Call(key).get(), {}, &fulfilled),
                  "FulfilWithProvision", "access_coordinator");
  }
  events::v1::ListAuditLogResponse audit;
  expect_denied(stub_->ListAuditLog(Call(key).get(), {}, &audit), "ListAuditLog",
                "access_coordinator");
  {
    events::v1::SetLeadTimeRequest r;
    r.set_need("bsl_interpreter");
    r.set_lead_time_days(14);
    expect_denied(stub_->SetLeadTime(Call(key).get(), r, &catalogue), "SetLeadTime", "organiser");
  }
  expect_denied(stub_->GetCatalogue(Call(key).get(), {}, &catalogue), "GetCatalogue (own)",
                "organiser");

  // Counts are not a read of anyone's details: nothing in the audit log.
  ASSERT_TRUE(stub_->ListAuditLog(Call(organiser_key_).get(), {}, &audit).ok());
  EXPECT_EQ(audit.entries_size(), 0);
}

TEST_F(AccessibilityGrpcTest, HistoryAndAuditNameThePersonAndListsNameTheAttendee) {
  const std::string token = MustRegister("sam@example.org");
  const events::v1::AccessibilityRequest submitted = MustSubmit(token);
  const std::string ada = SignedInPerson("mem_ada1", "Ada Access", "access_coordinator");

  events::v1::ListRequestsRequest list;
  list.set_event_id(event_);
  events::v1::ListRequestsResponse listed;
  grpc::Status s = stub_->ListRequests(Call(ada).get(), list, &listed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(listed.requests_size(), 1);
  EXPECT_EQ(listed.requests(0).attendee_name(), "Sam Patel");

  events::v1::TransitionRequestRequest move;
  move.set_request_id(submitted.id());
  move.set_to(events::v1::REQUEST_STATUS_ACKNOWLEDGED);
  events::v1::AccessibilityRequest moved;
  s = stub_->TransitionRequest(Call(ada).get(), move, &moved);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(moved.attendee_name(), "Sam Patel");

  events::v1::GetRequestRequest get;
  get.set_request_id(submitted.id());
  events::v1::AccessibilityRequest read;
  s = stub_->GetRequest(Call(ada).get(), get, &read);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(read.attendee_name(), "Sam Patel");
  ASSERT_EQ(read.history_size(), 2);
  EXPECT_EQ(read.history(0).actor(), "attendee");
  EXPECT_EQ(read.history(0).actor_name(), "");
  EXPECT_EQ(read.history(1).actor(), "mem_ada1");
  EXPECT_EQ(read.history(1).actor_name(), "Ada Access");

  // An entry written before names were recorded has none: the page shows its id.
  ASSERT_TRUE(redis_
                  ->Command({"XADD", keys_->Global("acc:org:" + org_ + ":audit"), "*", "at", "1",
                             "actor", "key_old", "request", submitted.id(), "event", event_, "rpc",
                             "GetRequest", "requests", ""})
                  .ok());
  events::v1::ListAuditLogResponse audit;
  s = stub_->ListAuditLog(Call(ada).get(), {}, &audit);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(audit.entries_size(), 3);  // newest first: the old-style entry, GetRequest, List
  EXPECT_EQ(audit.entries(0).actor(), "key_old");
  EXPECT_EQ(audit.entries(0).actor_name(), "");
  EXPECT_EQ(audit.entries(1).rpc(), "GetRequest");
  EXPECT_EQ(audit.entries(1).actor(), "mem_ada1");
  EXPECT_EQ(audit.entries(1).actor_name(), "Ada Access");
  EXPECT_EQ(audit.entries(2).rpc(), "ListRequests");
  EXPECT_EQ(audit.entries(2).actor_name(), "Ada Access");

  // An API key is named by its name.
  s = stub_->GetRequest(Call(organiser_key_).get(), get, &read);
  ASSERT_TRUE(s.ok()) << s.error_message();
  s = stub_->ListAuditLog(Call(ada).get(), {}, &audit);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_FALSE(audit.entries(0).actor_name().empty());
  EXPECT_NE(audit.entries(0).actor_name(), "Ada Access");

  // An organiser without the coordinator role reads nothing here.
  const std::string organiser = SignedInPerson("mem_otto", "Otto Organiser", "organiser");
  EXPECT_EQ(stub_->GetRequest(Call(organiser).get(), get, &read).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(AccessibilityGrpcTest, BadInputNamesTheField) {
  events::v1::SubmitRequestRequest r;
  events::v1::AccessibilityRequest out;
  grpc::Status s = stub_->SubmitRequest(Call("").get(), r, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("registration_token"));
  const std::string token = MustRegister("alex@example.org");
  // A real registration with the wrong secret.
  r.set_registration_token(token.substr(0, token.find('.')) + ".not-the-secret");
  r.add_needs("bsl_interpreter");
  r.mutable_details()->set_contact_method(events::v1::CONTACT_METHOD_REGISTRATION_EMAIL);
  r.set_consent(true);
  s = stub_->SubmitRequest(Call("").get(), r, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND) << s.error_message();
  r.set_registration_token(token);
  r.set_needs(0, "teleporter");
  s = stub_->SubmitRequest(Call("").get(), r, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("needs[0]"));

  events::v1::TransitionRequestRequest t;
  t.set_request_id("nope");
  s = stub_->TransitionRequest(Call(organiser_key_).get(), t, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("request_id"));
  events::v1::Catalogue catalogue;
  events::v1::GetCatalogueRequest by_event;
  by_event.set_event_id(event_);
  ASSERT_TRUE(stub_->GetCatalogue(Call("").get(), by_event, &catalogue).ok());
  EXPECT_EQ(catalogue.needs_size(), 18);
  events::v1::SetLeadTimeRequest lead;
  lead.set_need("bsl_interpreter");
  lead.set_lead_time_days(400);
  s = stub_->SetLeadTime(Call(organiser_key_).get(), lead, &catalogue);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("lead_time_days"));
}

TEST_F(AccessibilityGrpcTest, AProvisionFulfilsAndARescheduleAsksForReconfirmation) {
  // Read from the end of the streams, like a consumer group created before this test.
  bus::ConsumerOptions options;
  options.group = "accessibility";
  options.consumer = "test";
  bus::Consumer consumer(*redis_, *keys_, options);
  ASSERT_TRUE(consumer.EnsureGroups().ok());
  ScheduleListener listener(consumer, *desk_);

  const std::string token = MustRegister("sam@example.org");
  events::v1::AccessibilityRequest submitted = MustSubmit(token);
  events::v1::AddProvisionRequest add;
  add.set_event_id(event_);
  add.set_need("bsl_interpreter");
  add.set_description("BSL interpreter booked for the whole webinar");
  events::v1::Provision provision;
  ASSERT_TRUE(stub_->AddProvision(Call(organiser_key_).get(), add, &provision).ok());
  events::v1::FulfilWithProvisionRequest fulfil;
  fulfil.set_provision_id(provision.id());
  events::v1::FulfilWithProvisionResponse fulfilled;
  grpc::Status s = stub_->FulfilWithProvision(Call(organiser_key_).get(), fulfil, &fulfilled);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(fulfilled.requests_size(), 1);
  EXPECT_EQ(fulfilled.requests(0).status(), events::v1::REQUEST_STATUS_FULFILLED);

  events::v1::RescheduleEventRequest move;
  move.set_event_id(event_);
  const std::string year = registration::testing::FutureWebinar().start().value().substr(0, 4);
  move.mutable_new_start()->set_value(year + "-03-17T10:00");
  move.mutable_new_end()->set_value(year + "-03-17T11:30");
  move.set_reason("The speaker is ill");
  events::v1::Event moved;
  s = InProcessSchedulingTest::stub_->RescheduleEvent(Call(organiser_key_).get(), move, &moved);
  ASSERT_TRUE(s.ok()) << s.error_message();

  events::v1::GetMyRequestRequest mine;
  mine.set_registration_token(token);
  events::v1::AccessibilityRequest seen;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    ASSERT_TRUE(listener.RunOnce().ok());
    ASSERT_TRUE(stub_->GetMyRequest(Call("").get(), mine, &seen).ok());
    if (seen.status() == events::v1::REQUEST_STATUS_NEEDS_RECONFIRMATION) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(seen.status(), events::v1::REQUEST_STATUS_NEEDS_RECONFIRMATION);
  EXPECT_EQ(seen.deadline_unix_ms(), submitted.deadline_unix_ms() + 7 * 86400000LL);
  events::v1::ListProvisionsRequest list;
  list.set_event_id(event_);
  events::v1::ListProvisionsResponse provisions;
  ASSERT_TRUE(stub_->ListProvisions(Call(organiser_key_).get(), list, &provisions).ok());
  EXPECT_EQ(provisions.provisions(0).status(), events::v1::PROVISION_STATUS_NEEDS_RECONFIRMATION);
}

}  // namespace
}  // namespace events::accessibility
