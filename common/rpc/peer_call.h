#pragma once

#include <grpcpp/support/status.h>

#include <chrono>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace events::rpc {

// Another service this one calls, as configured: for messages that tell the operator what
// to check when it does not answer.
struct Peer {
  std::string name;      // "scheduling"
  std::string address;   // host:port, as configured
  std::string variable;  // the setting that holds it, e.g. "EVENTS_SCHEDULING_ADDR"
  std::chrono::milliseconds deadline{0};
};

// A failed call to `peer` as this service's status. UNAVAILABLE and DEADLINE_EXCEEDED keep
// their code and say where the peer was expected, what it was asked, and which setting
// points at it; any other status is the peer's own answer (FromGrpcStatus).
absl::Status PeerCallFailed(const grpc::Status& status, const Peer& peer, absl::string_view method);

}  // namespace events::rpc
