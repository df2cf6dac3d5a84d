// GrpcEventDirectory against a fake SchedulingService in this process: what it sends, how
// it retries, how it reports scheduling being away. No Redis.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "events/v1/scheduling.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/registration/peers/grpc_event_directory.h"

namespace events::registration {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kEventId[] = "ev_01JFAKE";

// Holds one event; UpdateEvent checks expected_version like the real one. Thread-safe.
class FakeScheduling final : public events::v1::SchedulingService::Service {
 public:
  FakeScheduling() {
    event_.set_id(kEventId);
    event_.set_org_id("org_1");
    event_.set_status(events::v1::EVENT_STATUS_DRAFT);
    event_.set_version(3);
    event_.set_start_unix_ms(1800000000000);
    event_.mutable_details()->set_title("Living well");
    event_.mutable_details()->set_capacity(40);
    event_.mutable_details()->set_time_zone("Europe/London");
    event_.mutable_details()->set_join_link("https://meet.example.org/x");
  }

  grpc::Status GetEvent(grpc::ServerContext* ctx, const events::v1::GetEventRequest* req,
                        events::v1::Event* resp) override {
    std::unique_lock<std::mutex> lock(mu_);
    Record(*ctx, "GetEvent");
    if (refuse_ != grpc::StatusCode::OK) return grpc::Status(refuse_, "key not accepted");
    if (hang_) {
      released_.wait_for(lock, std::chrono::seconds(10), [this] { return !hang_; });
    }
    if (req->event_id() != kEventId) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "event " + req->event_id() + " not found");
    }
    *resp = event_;
    return grpc::Status::OK;
  }

  grpc::Status UpdateEvent(grpc::ServerContext* ctx, const events::v1::UpdateEventRequest* req,
                           events::v1::Event* resp) override {
    std::lock_guard<std::mutex> lock(mu_);
    Record(*ctx, "UpdateEvent");
    if (refuse_ != grpc::StatusCode::OK) return grpc::Status(refuse_, "key not accepted");
    expected_versions_.push_back(req->expected_version());
    if (concurrent_changes_ > 0) {
      // Someone else changed it between our read and our write.
      --concurrent_changes_;
      event_.set_version(event_.version() + 1);
    }
    if (req->expected_version() != event_.version()) {
      return grpc::Status(grpc::StatusCode::ABORTED, "event changed, read it again");
    }
    *event_.mutable_details() = req->details();
    event_.set_version(event_.version() + 1);
    *resp = event_;
    return grpc::Status::OK;
  }

  void ConcurrentChanges(int n) {
    std::lock_guard<std::mutex> lock(mu_);
    concurrent_changes_ = n;
  }
  // Every call is answered with `code` (as scheduling does for a key it does not accept).
  void Refuse(grpc::StatusCode code) {
    std::lock_guard<std::mutex> lock(mu_);
    refuse_ = code;
  }
  void Hang(bool on) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      hang_ = on;
    }
    released_.notify_all();
  }
  events::v1::Event event() {
    std::lock_guard<std::mutex> lock(mu_);
    return event_;
  }
  std::vector<std::string> calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  std::vector<std::string> authorizations() {
    std::lock_guard<std::mutex> lock(mu_);
    return authorizations_;
  }
  std::vector<int64_t> expected_versions() {
    std::lock_guard<std::mutex> lock(mu_);
    return expected_versions_;
  }
  // How far away each call's deadline was when it arrived.
  std::vector<std::chrono::milliseconds> deadlines() {
    std::lock_guard<std::mutex> lock(mu_);
    return deadlines_;
  }

 private:
  void Record(const grpc::ServerContext& ctx, const std::string& method) {
    calls_.push_back(method);
    auto it = ctx.client_metadata().find("authorization");
    authorizations_.push_back(it == ctx.client_metadata().end()
                                  ? "<none>"
                                  : std::string(it->second.data(), it->second.size()));
    deadlines_.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(
        ctx.deadline() - std::chrono::system_clock::now()));
  }

  std::mutex mu_;
  std::condition_variable released_;
  events::v1::Event event_;
  int concurrent_changes_ = 0;
  grpc::StatusCode refuse_ = grpc::StatusCode::OK;
  bool hang_ = false;
  std::vector<std::string> calls_;
  std::vector<std::string> authorizations_;
  std::vector<int64_t> expected_versions_;
  std::vector<std::chrono::milliseconds> deadlines_;
};

class GrpcEventDirectoryUnitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&fake_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    address_ = "127.0.0.1:" + std::to_string(port_);
  }
  void TearDown() override {
    fake_.Hang(false);
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  }
  std::unique_ptr<GrpcEventDirectory> Directory(
      const std::string& key = "evk_service",
      std::chrono::milliseconds deadline = std::chrono::seconds(5)) {
    return std::make_unique<GrpcEventDirectory>(
        grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()), key, deadline, address_);
  }

  FakeScheduling fake_;
  int port_ = 0;
  std::string address_;
  std::unique_ptr<grpc::Server> server_;
};

TEST_F(GrpcEventDirectoryUnitTest, FetchSendsTheServiceKeyWithADeadline) {
  auto directory = Directory("evk_service", std::chrono::milliseconds(1500));
  absl::StatusOr<EventFacts> facts = directory->Fetch(kEventId);
  ASSERT_TRUE(facts.ok()) << facts.status();
  EXPECT_EQ(facts->event_id, kEventId);
  EXPECT_EQ(facts->version, 3);
  EXPECT_EQ(facts->capacity, 40);
  EXPECT_EQ(facts->status, events::v1::EVENT_STATUS_DRAFT);
  EXPECT_THAT(fake_.authorizations(), ElementsAre("Bearer evk_service"));
  ASSERT_EQ(fake_.deadlines().size(), 1u);
  // gRPC sends the timeout rounded up, so the server may see a little more than was set.
  EXPECT_LE(fake_.deadlines()[0], std::chrono::milliseconds(1600));
  EXPECT_GT(fake_.deadlines()[0], std::chrono::milliseconds(500));
}

TEST_F(GrpcEventDirectoryUnitTest, JoinLinkAndNotFound) {
  auto directory = Directory();
  absl::StatusOr<std::string> link = directory->JoinLink(kEventId);
  ASSERT_TRUE(link.ok()) << link.status();
  EXPECT_EQ(*link, "https://meet.example.org/x");
  absl::StatusOr<EventFacts> missing = directory->Fetch("ev_01JNOPE");
  EXPECT_TRUE(absl::IsNotFound(missing.status())) << missing.status();
  EXPECT_THAT(missing.status().message(), HasSubstr("ev_01JNOPE"));
}

TEST_F(GrpcEventDirectoryUnitTest, WithoutAServiceKeyNothingIsSent) {
  auto directory = Directory("");
  EXPECT_TRUE(absl::IsFailedPrecondition(directory->Fetch(kEventId).status()));
  EXPECT_TRUE(absl::IsFailedPrecondition(directory->JoinLink(kEventId).status()));
  EXPECT_TRUE(fake_.calls().empty());
}

TEST_F(GrpcEventDirectoryUnitTest, SetCapacityForwardsTheOrganiserAndKeepsTheRest) {
  auto directory = Directory();
  absl::StatusOr<EventFacts> facts = directory->SetCapacity(kEventId, 120, "Bearer evk_org");
  ASSERT_TRUE(facts.ok()) << facts.status();
  EXPECT_EQ(facts->capacity, 120);
  EXPECT_EQ(facts->version, 4);
  EXPECT_THAT(fake_.calls(), ElementsAre("GetEvent", "UpdateEvent"));
  EXPECT_THAT(fake_.authorizations(), ElementsAre("Bearer evk_org", "Bearer evk_org"));
  EXPECT_THAT(fake_.expected_versions(), ElementsAre(3));
  events::v1::Event stored = fake_.event();
  EXPECT_EQ(stored.details().capacity(), 120);
  EXPECT_EQ(stored.details().title(), "Living well");
  EXPECT_EQ(stored.details().join_link(), "https://meet.example.org/x");
}

TEST_F(GrpcEventDirectoryUnitTest, SetCapacityRereadsAndRetriesWhenTheVersionMoved) {
  fake_.ConcurrentChanges(2);
  auto directory = Directory();
  absl::StatusOr<EventFacts> facts = directory->SetCapacity(kEventId, 60, "Bearer evk_org");
  ASSERT_TRUE(facts.ok()) << facts.status();
  EXPECT_EQ(facts->capacity, 60);
  EXPECT_THAT(fake_.expected_versions(), ElementsAre(3, 4, 5));
  EXPECT_EQ(fake_.event().version(), 6);
}

TEST_F(GrpcEventDirectoryUnitTest, SetCapacityGivesUpAfterThreeRetries) {
  fake_.ConcurrentChanges(100);
  auto directory = Directory();
  absl::StatusOr<EventFacts> facts = directory->SetCapacity(kEventId, 60, "Bearer evk_org");
  EXPECT_TRUE(absl::IsAborted(facts.status())) << facts.status();
  EXPECT_EQ(fake_.expected_versions().size(), 1u + GrpcEventDirectory::kMaxRetries);
  EXPECT_EQ(fake_.event().details().capacity(), 40);
}

TEST_F(GrpcEventDirectoryUnitTest, SetCapacityNeedsTheOrganiserHeader) {
  auto directory = Directory();
  absl::StatusOr<EventFacts> facts = directory->SetCapacity(kEventId, 60, "");
  EXPECT_TRUE(absl::IsUnauthenticated(facts.status())) << facts.status();
  EXPECT_TRUE(fake_.calls().empty());
}

TEST_F(GrpcEventDirectoryUnitTest, SchedulingRefusingTheServiceKeyIsInternalNotTheCallersFault) {
  fake_.Refuse(grpc::StatusCode::UNAUTHENTICATED);
  auto directory = Directory("evk_service");
  absl::StatusOr<EventFacts> facts = directory->Fetch(kEventId);
  EXPECT_EQ(facts.status().code(), absl::StatusCode::kInternal) << facts.status();
  EXPECT_THAT(facts.status().message(),
              HasSubstr("registration's service key (EVENTS_SERVICE_KEY) was refused by "
                        "scheduling at " +
                        address_ + " (GetEvent: key not accepted)"));
  EXPECT_THAT(facts.status().message(), HasSubstr("configuration problem of the service"));

  fake_.Refuse(grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(directory->JoinLink(kEventId).status().code(), absl::StatusCode::kInternal);
}

TEST_F(GrpcEventDirectoryUnitTest, SchedulingRefusingTheOrganisersKeyIsTheOrganisersAnswer) {
  fake_.Refuse(grpc::StatusCode::PERMISSION_DENIED);
  auto directory = Directory("evk_service");
  absl::StatusOr<EventFacts> facts = directory->SetCapacity(kEventId, 60, "Bearer evk_other_org");
  EXPECT_EQ(facts.status().code(), absl::StatusCode::kPermissionDenied) << facts.status();
  EXPECT_EQ(facts.status().message(), "key not accepted");
}

TEST_F(GrpcEventDirectoryUnitTest, ASlowSchedulingIsUnavailableWithAHint) {
  fake_.Hang(true);
  auto directory = Directory("evk_service", std::chrono::milliseconds(200));
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<EventFacts> facts = directory->Fetch(kEventId);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  // UNAVAILABLE, not DEADLINE_EXCEEDED: the caller's own deadline has not passed.
  EXPECT_EQ(facts.status().code(), absl::StatusCode::kUnavailable) << facts.status();
  EXPECT_THAT(facts.status().message(), HasSubstr(address_));
  EXPECT_THAT(facts.status().message(), HasSubstr("200 ms"));
  EXPECT_THAT(facts.status().message(), HasSubstr("EVENTS_SCHEDULING_ADDR"));
}

TEST_F(GrpcEventDirectoryUnitTest, AStoppedSchedulingIsUnavailableNamingTheAddress) {
  server_->Shutdown(std::chrono::system_clock::now());
  server_.reset();
  auto directory = Directory("evk_service", std::chrono::milliseconds(300));
  absl::StatusOr<EventFacts> facts = directory->Fetch(kEventId);
  EXPECT_TRUE(absl::IsUnavailable(facts.status())) << facts.status();
  EXPECT_THAT(facts.status().message(), HasSubstr("is scheduling running at " + address_));
  EXPECT_THAT(facts.status().message(), HasSubstr("EVENTS_SCHEDULING_ADDR"));
  absl::StatusOr<EventFacts> set = directory->SetCapacity(kEventId, 5, "Bearer evk_org");
  EXPECT_TRUE(absl::IsUnavailable(set.status())) << set.status();
}

}  // namespace
}  // namespace events::registration
