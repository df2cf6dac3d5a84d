// The registration service through real gRPC on a real Redis: who may call what, and what
// an attendee sees.
#include <grpcpp/grpcpp.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <chrono>
#include <thread>

#include "common/auth/authenticator.h"
#include "common/auth/key_store.h"
#include "common/testing/grpc_service_harness.h"
#include "common/util/sanitizer_hints.h"
#include "events/v1/registration.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/registration/server/registration_service.h"
#include "tests/registration/registration_grpc_fixture.h"

namespace events::registration {
namespace {

using events::v1::RegistrationService;
using ::testing::HasSubstr;

TEST_F(RegistrationGrpcTest, AttendeesNeedNoKeyAndOrganisersNeedTheirOwn) {
  events::v1::RegisterResponse first, second;
  ASSERT_TRUE(stub_->Register(Call().get(), testing::Person(event_, 1), &first).ok());
  EXPECT_EQ(first.registration().status(), events::v1::REGISTRATION_STATUS_CONFIRMED);
  EXPECT_FALSE(first.registration_token().empty());
  ASSERT_TRUE(stub_->Register(Call().get(), testing::Person(event_, 2), &second).ok());
  EXPECT_EQ(second.registration().status(), events::v1::REGISTRATION_STATUS_WAITLISTED);
  EXPECT_EQ(metrics_->confirmed.Value(), 1);
  EXPECT_EQ(metrics_->waitlisted.Value(), 1);

  events::v1::GetMyRegistrationRequest mine;
  mine.set_registration_token(first.registration_token());
  events::v1::Registration seen;
  ASSERT_TRUE(stub_->GetMyRegistration(Call().get(), mine, &seen).ok());
  EXPECT_EQ(seen.join_link(), "https://meet.example.org/room");

  events::v1::ListRegistrationsRequest list;
  list.set_event_id(event_);
  events::v1::ListRegistrationsResponse listed;
  grpc::Status no_key = stub_->ListRegistrations(Call().get(), list, &listed);
  EXPECT_EQ(no_key.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  grpc::Status other = stub_->ListRegistrations(Call(other_key_).get(), list, &listed);
  EXPECT_EQ(other.error_code(), grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(stub_->ListRegistrations(Call(key_).get(), list, &listed).ok());
  EXPECT_EQ(listed.registrations_size(), 2);

  events::v1::DecideRegistrationRequest decide;
  decide.set_event_id(event_);
  decide.set_registration_id(second.registration().id());
  events::v1::Registration out;
  grpc::Status not_pending = stub_->ApproveRegistration(Call(key_).get(), decide, &out);
  EXPECT_EQ(not_pending.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(not_pending.error_message(), HasSubstr("waitlisted"));

  events::v1::RegisterResponse dup;
  auto again = testing::Person(event_, 1);
  grpc::Status exists = stub_->Register(Call().get(), again, &dup);
  EXPECT_EQ(exists.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_TRUE(dup.registration_token().empty());
}

// Behind a trusted proxy, the per-address limit counts the address the proxy forwarded;
// from anyone else, x-forwarded-for is ignored.
TEST_F(RegistrationGrpcTest, ThePerAddressLimitCountsForwardedAddressesOnlyFromTrustedProxies) {
  directory_.Put(testing::OpenEvent(event_, 50, directory_.Fetch(event_)->org_id));
  RegistrarOptions limited;
  limited.limit_per_address_per_minute = 2;
  limited.limit_per_event_per_second = 0;
  Registrar registrar(*store_, directory_, clock_, ids_, limited);
  auto start = [&](const char* trusted_spec, std::unique_ptr<RegistrationServiceImpl>& service,
                   events::testing::TestServer& server) {
    auto trusted = rpc::TrustedProxies::Parse(trusted_spec, "REGISTRATION_TRUSTED_PROXIES");
    EXPECT_TRUE(trusted.ok()) << trusted.status();
    service = std::make_unique<RegistrationServiceImpl>(registrar, *auth_, *metrics_, 2, *trusted);
    absl::Status started = server.Start("", {service.get()});
    EXPECT_TRUE(started.ok()) << started;
    return RegistrationService::NewStub(server.Channel());
  };
  int person = 100;
  auto register_from = [&](RegistrationService::Stub& stub, const std::string& forwarded) {
    auto ctx = Call();
    if (!forwarded.empty()) ctx->AddMetadata("x-forwarded-for", forwarded);
    events::v1::RegisterResponse out;
    return stub.Register(ctx.get(), testing::Person(event_, ++person), &out).error_code();
  };

  std::unique_ptr<RegistrationServiceImpl> proxied_service, direct_service;
  events::testing::TestServer proxied_server(harness_.registry());
  events::testing::TestServer direct_server(harness_.registry());
  auto proxied = start("127.0.0.0/8", proxied_service, proxied_server);
  EXPECT_EQ(register_from(*proxied, "198.51.100.1"), grpc::StatusCode::OK);
  EXPECT_EQ(register_from(*proxied, "198.51.100.1"), grpc::StatusCode::OK);
  EXPECT_EQ(register_from(*proxied, "198.51.100.1"), grpc::StatusCode::RESOURCE_EXHAUSTED);
  // Another attendee behind the same proxy has a limit of their own; a client cannot pick
  // its address by sending the header itself (the proxy's append is what counts).
  EXPECT_EQ(register_from(*proxied, "198.51.100.2"), grpc::StatusCode::OK);
  EXPECT_EQ(register_from(*proxied, "198.51.100.9, 198.51.100.1"),
            grpc::StatusCode::RESOURCE_EXHAUSTED);

  // Not trusted: the header is ignored and the peer (127.0.0.1) is the client.
  auto direct = start("10.0.0.0/8", direct_service, direct_server);
  EXPECT_EQ(register_from(*direct, "203.0.113.1"), grpc::StatusCode::OK);
  EXPECT_EQ(register_from(*direct, "203.0.113.2"), grpc::StatusCode::OK);
  EXPECT_EQ(register_from(*direct, "203.0.113.3"), grpc::StatusCode::RESOURCE_EXHAUSTED);
  proxied_server.Shutdown();
  direct_server.Shutdown();
}

TEST_F(RegistrationGrpcTest, RegisterAnswersBytesThatAreNoRequestWithInvalidArgument) {
  // Register parses its request itself (within its request budget): bytes that are not a
  // RegisterRequest, or a name that is not UTF-8, are the client's mistake, said as such.
  for (const std::string& bytes :
       {std::string("\x00\x01garbage", 9), std::string("\x12\x02\xff\xfe", 4)}) {
    const grpc::Status status = events::testing::CallWithBytes(
        harness_.Channel(), "/events.v1.RegistrationService/Register", bytes);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr("not a valid events.v1.RegisterRequest"));
  }
}

TEST_F(RegistrationGrpcTest, RegisterAnswersUnavailableBeforeTheDeadlineWhenTheSlowPathHangs) {
  // The first registration for an event takes the blocking path, which here waits for
  // scheduling (the event's facts) with no end in sight, as it would for a frozen Redis.
  // The caller must hear the service's UNAVAILABLE before its deadline, not its own
  // DEADLINE_EXCEEDED; and what runs after the deadline writes nothing.
  directory_.Hold();
  grpc::ClientContext ctx;
  // Longer in sanitizer builds, as is the service's margin (common/util/sanitizer_hints.h).
  const auto deadline = std::chrono::system_clock::now() +
                        std::chrono::milliseconds(400 * events::kSanitizerSlowdown);
  ctx.set_deadline(deadline);
  events::v1::RegisterResponse r;
  const grpc::Status status = stub_->Register(&ctx, testing::Person(event_, 1), &r);
  const auto answered = std::chrono::system_clock::now();
  // Scheduling answers only once the deadline has passed (until then a write would be
  // in order: UNAVAILABLE means the outcome is unknown).
  std::this_thread::sleep_until(deadline + std::chrono::milliseconds(50));
  directory_.Release();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("deadline"));
  EXPECT_LT(answered, deadline);

  // The blocked registration carries on once scheduling answers, finds its deadline passed
  // and writes nothing; a new one goes through.
  ASSERT_TRUE(stub_->Register(Call().get(), testing::Person(event_, 2), &r).ok());
  events::v1::ListRegistrationsRequest list;
  list.set_event_id(event_);
  events::v1::ListRegistrationsResponse listed;
  ASSERT_TRUE(stub_->ListRegistrations(Call(key_).get(), list, &listed).ok());
  ASSERT_EQ(listed.registrations_size(), 1) << listed.DebugString();
  EXPECT_EQ(listed.registrations(0).email(), testing::Person(event_, 2).email());
}

TEST_F(RegistrationGrpcTest, ImportAndExportThroughGrpc) {
  directory_.Put(testing::OpenEvent(event_, 5, directory_.Fetch(event_)->org_id));
  events::v1::RegisterResponse r;
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(stub_->Register(Call().get(), testing::Person(event_, i), &r).ok());
  }
  events::v1::ImportAttendanceRequest import;
  import.set_event_id(event_);
  import.set_csv("email\nperson1@example.org\nperson3@example.org\n");
  events::v1::MarkAttendanceResponse marked;
  // Before the event has begun nobody has attended.
  EXPECT_EQ(stub_->ImportAttendance(Call(key_).get(), import, &marked).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  clock_.Set(testing::OpenEvent(event_, 5).start_unix_ms);
  ASSERT_TRUE(stub_->ImportAttendance(Call(key_).get(), import, &marked).ok());
  EXPECT_EQ(marked.marked(), 2);
  // Over the CSV limit but inside the request limit: the rule names the field.
  import.set_csv(std::string(size_t{241} * 1024, 'x'));
  grpc::Status too_long = stub_->ImportAttendance(Call(key_).get(), import, &marked);
  EXPECT_EQ(too_long.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(too_long.error_message(), HasSubstr("csv: at most 240 KiB"));
  // Over the request limit every service has: refused before it is read.
  import.set_csv(std::string(3 << 20, 'x'));
  EXPECT_EQ(stub_->ImportAttendance(Call(key_).get(), import, &marked).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  events::v1::ExportRegistrationsRequest exp;
  exp.set_event_id(event_);
  events::v1::ExportFile file;
  ASSERT_TRUE(stub_->ExportRegistrations(Call(key_).get(), exp, &file).ok());
  EXPECT_THAT(file.content(), HasSubstr("person2@example.org"));
  EXPECT_EQ(file.content_type(), "text/csv; charset=utf-8");
}

}  // namespace
}  // namespace events::registration
