// events_registrations_total{outcome}: every Register answer is counted once, under the
// outcome it had, through a real gRPC server on a real Redis. A rule saying no is `refused`,
// the service failing is `error`, and neither is counted as the other.
#include <grpcpp/grpcpp.h>
#include <prometheus/counter.h>

#include <chrono>
#include <memory>
#include <string>

#include "common/testing/grpc_service_harness.h"
#include "gtest/gtest.h"
#include "services/registration/server/registration_service.h"
#include "tests/registration/registration_grpc_fixture.h"

namespace events::registration {
namespace {

using events::v1::RegistrationService;

struct Counts {
  double confirmed, waitlisted, pending, refused, error;
  bool operator==(const Counts& o) const {
    return confirmed == o.confirmed && waitlisted == o.waitlisted && pending == o.pending &&
           refused == o.refused && error == o.error;
  }
};

std::ostream& operator<<(std::ostream& out, const Counts& c) {
  return out << "{confirmed " << c.confirmed << ", waitlisted " << c.waitlisted << ", pending "
             << c.pending << ", refused " << c.refused << ", error " << c.error << "}";
}

Counts Read(const RegistrationMetrics& m) {
  return {m.confirmed.Value(), m.waitlisted.Value(), m.pending.Value(), m.refused.Value(),
          m.error.Value()};
}

grpc::StatusCode Register(RegistrationService::Stub& stub, const events::v1::RegisterRequest& r) {
  events::v1::RegisterResponse out;
  return stub.Register(events::testing::GrpcServiceHarness::Call("").get(), r, &out).error_code();
}

TEST_F(RegistrationGrpcTest, EachRegisterAnswerCountsOnceUnderItsOutcome) {
  // event_ has one place and a waiting list.
  EXPECT_EQ(Register(*stub_, testing::Person(event_, 1)), grpc::StatusCode::OK);
  EXPECT_EQ(Read(*metrics_), (Counts{1, 0, 0, 0, 0}));
  EXPECT_EQ(Register(*stub_, testing::Person(event_, 2)), grpc::StatusCode::OK);
  EXPECT_EQ(Read(*metrics_), (Counts{1, 1, 0, 0, 0}));

  // Rules saying no: a duplicate, input that breaks a rule, an unknown event, a closed one.
  EXPECT_EQ(Register(*stub_, testing::Person(event_, 1)), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Read(*metrics_), (Counts{1, 1, 0, 1, 0}));
  auto no_email = testing::Person(event_, 3);
  no_email.clear_email();
  EXPECT_EQ(Register(*stub_, no_email), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Read(*metrics_), (Counts{1, 1, 0, 2, 0}));
  EXPECT_EQ(Register(*stub_, testing::Person(ids_.New("ev"), 4)), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Read(*metrics_), (Counts{1, 1, 0, 3, 0}));
  const std::string closed = ids_.New("ev");
  EventFacts facts = testing::OpenEvent(closed, 10, directory_.Fetch(event_)->org_id);
  facts.registration_closes_unix_ms = testing::kNow - 1000;
  facts.registration_opens_unix_ms = testing::kNow - 2000;
  directory_.Put(facts);
  EXPECT_EQ(Register(*stub_, testing::Person(closed, 5)), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Read(*metrics_), (Counts{1, 1, 0, 4, 0}));

  // A retry with the same idempotency key is answered again, and counted again under the
  // original's outcome: one count per answer, whatever the answer is.
  auto keyed = testing::Person(event_, 6);
  keyed.set_idempotency_key("metrics-replay-key-0001");
  EXPECT_EQ(Register(*stub_, keyed), grpc::StatusCode::OK);
  EXPECT_EQ(Register(*stub_, keyed), grpc::StatusCode::OK);
  EXPECT_EQ(Read(*metrics_), (Counts{1, 3, 0, 4, 0}));
}

TEST_F(RegistrationGrpcTest, TheServiceFailingCountsErrorNotRefused) {
  // Scheduling hangs while the event's facts are fetched: answered UNAVAILABLE just before
  // the caller's deadline.
  const std::string unseen = ids_.New("ev");
  directory_.Put(testing::OpenEvent(unseen, 10, directory_.Fetch(event_)->org_id));
  directory_.Hold();
  auto ctx = Call();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
  events::v1::RegisterResponse out;
  const grpc::Status late = stub_->Register(ctx.get(), testing::Person(unseen, 2), &out);
  directory_.Release();
  EXPECT_EQ(late.error_code(), grpc::StatusCode::UNAVAILABLE) << late.error_message();
  EXPECT_EQ(Read(*metrics_), (Counts{0, 0, 0, 0, 1}));

  // Too much work waiting for the slow path (here: no room at all): RESOURCE_EXHAUSTED like
  // a rate limit, but the service's own limit, so an error.
  RegistrarOptions no_room;
  no_room.limit_per_address_per_minute = 0;
  no_room.limit_per_event_per_second = 0;
  no_room.link_secret = kLinkSecret;
  no_room.max_slow_waiting = 0;
  Registrar busy(*store_, directory_, clock_, ids_, no_room);
  RegistrationServiceImpl busy_service(busy, *auth_, *metrics_);
  events::testing::TestServer busy_server(harness_.registry());
  ASSERT_TRUE(busy_server.Start("", {&busy_service}).ok());
  auto busy_stub = RegistrationService::NewStub(busy_server.Channel());
  EXPECT_EQ(Register(*busy_stub, testing::Person(event_, 3)), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(Read(*metrics_), (Counts{0, 0, 0, 0, 2}));
  busy_server.Shutdown();
}

TEST(RegistrationMetricsTest, RateLimitsAreRefusalsAndFailuresToFinishAreErrors) {
  EXPECT_TRUE(RegistrationMetrics::IsRefusal(absl::ResourceExhaustedError("too many from you")));
  EXPECT_TRUE(RegistrationMetrics::IsRefusal(absl::FailedPreconditionError("closed")));
  EXPECT_FALSE(RegistrationMetrics::IsRefusal(absl::UnavailableError("Redis is down")));
  EXPECT_FALSE(RegistrationMetrics::IsRefusal(absl::DeadlineExceededError("too late")));
  EXPECT_FALSE(RegistrationMetrics::IsRefusal(absl::AbortedError("form changed")));
  EXPECT_FALSE(RegistrationMetrics::IsRefusal(absl::InternalError("bug")));
}

}  // namespace
}  // namespace events::registration
