#pragma once

#include <grpcpp/support/status.h>

#include <chrono>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace events::rpc {

// Another service this one calls, as configured: for messages that tell the operator what
// to check when it does not answer or refuses the call.
struct Peer {
  std::string name;      // "scheduling"
  std::string address;   // host:port, as configured
  std::string variable;  // the setting that holds it, e.g. "EVENTS_SCHEDULING_ADDR"
  std::chrono::milliseconds deadline{0};
  // What the call presents to the peer, for the message when the peer refuses it, e.g.
  // "registration's EVENTS_SERVICE_KEY"; empty for a call without credentials. Optional
  // (the initializer says so, and lets `Peer{name, address, variable, deadline}` leave it).
  std::string credential{};
  // True when the call carries the credentials of this service's own caller (an organiser's
  // key passed on): the peer's refusal is then the caller's answer.
  bool forwards_callers_credentials = false;
};

// A failed call to `peer` as this service's status, never blaming this service's caller for
// the peer's trouble:
// - UNAVAILABLE and DEADLINE_EXCEEDED are UNAVAILABLE (a retry may work; the caller's own
//   deadline did not pass), saying where the peer was expected, what it was asked, how long
//   it was given and which setting points at it;
// - UNAUTHENTICATED and PERMISSION_DENIED are INTERNAL, naming `peer.credential`: the
//   service is misconfigured and the caller can do nothing about it; unless the call
//   forwarded the caller's credentials, when they pass through;
// - any other status is the peer's own answer (such as NOT_FOUND) and passes through
//   (FromGrpcStatus).
absl::Status PeerCallFailed(const grpc::Status& status, const Peer& peer, absl::string_view method);

}  // namespace events::rpc
