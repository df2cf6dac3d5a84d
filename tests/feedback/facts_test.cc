// Pure parts of feedback_core: the facts kept from scheduling, the contribution format the
// submit script reads, and how the peers' failures reach feedback's callers.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "common/util/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/feedback/peers/grpc_directories.h"
#include "services/feedback/store/redis_feedback_store.h"

namespace events::feedback {
namespace {

TEST(FactsTest, TheMonthIsThatOfTheEndInTheEventsTimeZone) {
  // 2026-01-31T23:30Z: still January in London, already February in Auckland.
  const int64_t end = 1769902200000;
  EXPECT_EQ(FactsOf("ev_1", "org", "", 2, end, "Europe/London", 1).month, "2026-01");
  EXPECT_EQ(FactsOf("ev_1", "org", "", 2, end, "Pacific/Auckland", 1).month, "2026-02");
  // An unknown or empty zone falls back to UTC rather than failing.
  EXPECT_EQ(FactsOf("ev_1", "org", "", 2, end, "Mars/Olympus", 1).month, "2026-01");
  EXPECT_EQ(FactsOf("ev_1", "org", "", 2, end, "", 1).month, "2026-01");
}

TEST(FactsTest, ContributionEncoding) {
  Contribution c;
  c.event = {{"n", 1}, {"q:overall:v:4", 1}};
  c.trend = {{"m:2026-01:n", 1}};
  c.texts = {{"mattered_most", "text with spaces"}};
  EXPECT_EQ(EncodeContribution(c),
            "a n 1\na q:overall:v:4 1\nt m:2026-01:n 1\nT mattered_most 0\n");
}

TEST(FactsTest, AnUnreachablePeerIsUnavailableAndTheMessageSaysWhatToSet) {
  // Port 1 on loopback: nothing listens there.
  GrpcRegistrationDirectory registrations(
      grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials()),
      PeerOptions{"127.0.0.1:1", "EVENTS_REGISTRATION_ADDR", std::chrono::milliseconds(300)});
  absl::StatusOr<AttendeeRegistration> r = registrations.Verify("rg_x.y");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(absl::IsUnavailable(r.status())) << r.status();
  EXPECT_THAT(r.status().message(), ::testing::HasSubstr("set EVENTS_REGISTRATION_ADDR"));
  GrpcEventDirectory events(
      grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials()), "evk_x",
      PeerOptions{"127.0.0.1:1", "EVENTS_SCHEDULING_ADDR", std::chrono::milliseconds(300)});
  const absl::Status fetched = events.Fetch("ev_1").status();
  EXPECT_TRUE(absl::IsUnavailable(fetched)) << fetched;
  EXPECT_THAT(fetched.message(), ::testing::HasSubstr("set EVENTS_SCHEDULING_ADDR"));
}

// Peers that refuse feedback, or answer too late.
class RefusingScheduling final : public events::v1::SchedulingService::Service {
 public:
  grpc::Status GetEvent(grpc::ServerContext*, const events::v1::GetEventRequest*,
                        events::v1::Event*) override {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "unknown service key");
  }
};
class SlowRegistration final : public events::v1::RegistrationService::Service {
 public:
  grpc::Status GetMyRegistration(grpc::ServerContext*,
                                 const events::v1::GetMyRegistrationRequest* request,
                                 events::v1::Registration*) override {
    if (request->registration_token() == "denied") {
      return grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "not for you");
    }
    if (request->registration_token() == "unknown") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "no registration matches this token");
    }
    // Slower than the caller's deadline (released when the test ends).
    release_.WaitFor(std::chrono::seconds(5));
    return grpc::Status::OK;
  }
  void Release() { release_.Notify(); }

 private:
  events::Notification release_;
};

TEST(FactsTest, PeerFailuresAreNeverBlamedOnTheCaller) {
  RefusingScheduling scheduling;
  SlowRegistration registration;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&scheduling);
  builder.RegisterService(&registration);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  const std::string address = "127.0.0.1:" + std::to_string(port);
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());

  // Scheduling refuses feedback's service key: INTERNAL, and the operator is told which.
  GrpcEventDirectory events(
      channel, "evk_wrong",
      PeerOptions{address, "EVENTS_SCHEDULING_ADDR", std::chrono::seconds(2)});
  const absl::Status refused = events.Fetch("ev_1").status();
  EXPECT_TRUE(absl::IsInternal(refused)) << refused;
  EXPECT_THAT(refused.message(),
              ::testing::HasSubstr("feedback's EVENTS_SERVICE_KEY was refused by scheduling"));

  GrpcRegistrationDirectory registrations(
      channel, PeerOptions{address, "EVENTS_REGISTRATION_ADDR", std::chrono::milliseconds(200)});
  const absl::Status denied = registrations.Verify("denied").status();
  EXPECT_TRUE(absl::IsInternal(denied)) << denied;
  EXPECT_THAT(denied.message(), ::testing::HasSubstr("refused by registration"));
  // The peer's own answer about the caller's token passes through.
  EXPECT_TRUE(absl::IsNotFound(registrations.Verify("unknown").status()));
  // A deadline is the peer's trouble, not the caller's: UNAVAILABLE, never DEADLINE_EXCEEDED.
  const absl::Status late = registrations.Verify("slow").status();
  EXPECT_TRUE(absl::IsUnavailable(late)) << late;
  EXPECT_THAT(late.message(), ::testing::HasSubstr("within 200 ms"));
  registration.Release();
  server->Shutdown();
}

}  // namespace
}  // namespace events::feedback
