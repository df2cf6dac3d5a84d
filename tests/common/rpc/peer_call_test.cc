#include "common/rpc/peer_call.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace events::rpc {
namespace {

const Peer kScheduling{"scheduling", "10.0.0.5:50051", "EVENTS_SCHEDULING_ADDR",
                       std::chrono::milliseconds(2000)};

TEST(PeerCallTest, UnreachableSaysWhereAndWhatToSet) {
  absl::Status s = PeerCallFailed(grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection refused"),
                                  kScheduling, "GetEvent");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(s.message(),
            "scheduling could not be reached at 10.0.0.5:50051 (GetEvent: connection refused); "
            "is scheduling running at 10.0.0.5:50051? set EVENTS_SCHEDULING_ADDR to its "
            "host:port");
}

TEST(PeerCallTest, ADeadlineKeepsItsCodeAndSaysHowLongItWaited) {
  absl::Status s =
      PeerCallFailed(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "Deadline Exceeded"),
                     kScheduling, "UpdateEvent");
  EXPECT_EQ(s.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_TRUE(absl::StrContains(s.message(), "did not answer within 2000 ms (UpdateEvent:"));
  EXPECT_TRUE(absl::StrContains(s.message(), "EVENTS_SCHEDULING_ADDR"));
}

TEST(PeerCallTest, ThePeersOwnAnswersPassThrough) {
  absl::Status s = PeerCallFailed(grpc::Status(grpc::StatusCode::NOT_FOUND, "event ev_1 not found"),
                                  kScheduling, "GetEvent");
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "event ev_1 not found");
  EXPECT_TRUE(PeerCallFailed(grpc::Status::OK, kScheduling, "GetEvent").ok());
}

TEST(PeerCallTest, AnUnsetAddressIsCalledTheConfiguredOne) {
  Peer unnamed = kScheduling;
  unnamed.address = "";
  absl::Status s =
      PeerCallFailed(grpc::Status(grpc::StatusCode::UNAVAILABLE, "x"), unnamed, "GetEvent");
  EXPECT_TRUE(absl::StrContains(s.message(), "could not be reached at the configured address"));
}

}  // namespace
}  // namespace events::rpc
