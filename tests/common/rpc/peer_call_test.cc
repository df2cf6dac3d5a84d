#include "common/rpc/peer_call.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace events::rpc {
namespace {

// A function, not a static Peer, whose string constructors would run (and could throw)
// before main.
Peer Scheduling() {
  return Peer{"scheduling", "10.0.0.5:50051", "EVENTS_SCHEDULING_ADDR",
              std::chrono::milliseconds(2000)};
}

TEST(PeerCallTest, UnreachableSaysWhereAndWhatToSet) {
  absl::Status s = PeerCallFailed(grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection refused"),
                                  Scheduling(), "GetEvent");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(s.message(),
            "scheduling could not be reached at 10.0.0.5:50051 (GetEvent: connection refused); "
            "is scheduling running at 10.0.0.5:50051? set EVENTS_SCHEDULING_ADDR to its "
            "host:port");
}

TEST(PeerCallTest, ADeadlineIsUnavailableAndSaysHowLongItWaited) {
  absl::Status s =
      PeerCallFailed(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "Deadline Exceeded"),
                     Scheduling(), "UpdateEvent");
  // The peer was too slow; the caller's own deadline did not pass, and a retry may work.
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(s.message(), "did not answer within 2000 ms (UpdateEvent:"));
  EXPECT_TRUE(absl::StrContains(s.message(), "EVENTS_SCHEDULING_ADDR"));
}

TEST(PeerCallTest, ThePeersOwnAnswersPassThrough) {
  absl::Status s = PeerCallFailed(grpc::Status(grpc::StatusCode::NOT_FOUND, "event ev_1 not found"),
                                  Scheduling(), "GetEvent");
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "event ev_1 not found");
  EXPECT_TRUE(PeerCallFailed(grpc::Status::OK, Scheduling(), "GetEvent").ok());
}

TEST(PeerCallTest, ARefusedServiceKeyIsInternalAndNamesTheKey) {
  Peer peer = Scheduling();
  peer.credential = "registration's service key (EVENTS_SERVICE_KEY)";
  for (grpc::StatusCode code :
       {grpc::StatusCode::UNAUTHENTICATED, grpc::StatusCode::PERMISSION_DENIED}) {
    absl::Status s = PeerCallFailed(grpc::Status(code, "unknown key"), peer, "GetEvent");
    EXPECT_EQ(s.code(), absl::StatusCode::kInternal);
    EXPECT_EQ(s.message(),
              "registration's service key (EVENTS_SERVICE_KEY) was refused by scheduling at "
              "10.0.0.5:50051 (GetEvent: unknown key); this is a configuration problem of the "
              "service, not of the request");
  }
  peer.credential = "";
  EXPECT_TRUE(absl::StartsWith(
      PeerCallFailed(grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "no"), peer, "GetEvent")
          .message(),
      "the call was refused by scheduling"));
}

TEST(PeerCallTest, ARefusalOfTheCallersOwnForwardedKeyPassesThrough) {
  Peer peer = Scheduling();
  peer.forwards_callers_credentials = true;
  absl::Status s = PeerCallFailed(
      grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "not your event"), peer, "UpdateEvent");
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(s.message(), "not your event");
}

TEST(PeerCallTest, AnUnsetAddressIsCalledTheConfiguredOne) {
  Peer unnamed = Scheduling();
  unnamed.address = "";
  absl::Status s =
      PeerCallFailed(grpc::Status(grpc::StatusCode::UNAVAILABLE, "x"), unnamed, "GetEvent");
  EXPECT_TRUE(absl::StrContains(s.message(), "could not be reached at the configured address"));
}

}  // namespace
}  // namespace events::rpc
