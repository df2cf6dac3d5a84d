// CapacityCalls against an in-process RegistrationService that, like the real one, answers
// GetCapacity only to a caller with the organisation's key.
#include "tools/loadgen/capacity_calls.h"

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/server_context.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tools/loadgen/load_runner.h"

namespace events::loadgen {
namespace {

constexpr char kKey[] = "ek_organiser_key";
constexpr char kEvent[] = "evt_capacity";

class CapacityService final : public v1::RegistrationService::Service {
 public:
  grpc::Status GetCapacity(grpc::ServerContext* context, const v1::GetCapacityRequest* request,
                           v1::CapacitySummary* response) override {
    const auto& metadata = context->client_metadata();
    const auto authorization = metadata.find("authorization");
    if (authorization == metadata.end() ||
        std::string(authorization->second.data(), authorization->second.size()) !=
            std::string("Bearer ") + kKey) {
      return {grpc::StatusCode::UNAUTHENTICATED, "no key"};
    }
    if (request->event_id() != kEvent) return {grpc::StatusCode::NOT_FOUND, "no such event"};
    response->set_event_id(request->event_id());
    response->set_capacity(100);
    return grpc::Status::OK;
  }
};

class CapacityCallsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    options_.server = "127.0.0.1:" + std::to_string(port);
    options_.target = Target::kCapacity;
    options_.event_id = kEvent;
    options_.concurrency = 3;
    options_.channels = 2;
    options_.duration_seconds = 0;
    options_.requests = 9;
  }
  void TearDown() override { server_->Shutdown(); }

  LoadResult Run(const std::string& event_id, const std::string& key) {
    CapacityCalls calls(MakeChannels(options_.server, options_.channels), event_id, key);
    return LoadRunner(options_, calls).Run();
  }

  CapacityService service_;
  std::unique_ptr<grpc::Server> server_;
  LoadOptions options_;
};

TEST_F(CapacityCallsTest, ReadsTheEventWithTheOrganisersKey) {
  const LoadResult r = Run(kEvent, kKey);
  EXPECT_EQ(r.calls, 9);
  EXPECT_EQ(r.measured_ok, 9);
  EXPECT_EQ(r.total_errors(), 0);
}

TEST_F(CapacityCallsTest, AnotherKeyIsRefused) {
  const LoadResult r = Run(kEvent, "ek_someone_else");
  EXPECT_EQ(r.measured_ok, 0);
  EXPECT_EQ(r.errors.at("UNAUTHENTICATED"), 9);
}

TEST_F(CapacityCallsTest, AsksForTheEventItWasGiven) {
  const LoadResult r = Run("evt_other", kKey);
  EXPECT_EQ(r.errors.at("NOT_FOUND"), 9);
}

}  // namespace
}  // namespace events::loadgen
