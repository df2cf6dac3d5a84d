#include "common/rpc/peer_call.h"

#include "absl/strings/str_cat.h"
#include "common/rpc/status.h"

namespace events::rpc {

absl::Status PeerCallFailed(const grpc::Status& status, const Peer& peer,
                            absl::string_view method) {
  const grpc::StatusCode code = status.error_code();
  if (code != grpc::StatusCode::UNAVAILABLE && code != grpc::StatusCode::DEADLINE_EXCEEDED) {
    return FromGrpcStatus(status);
  }
  const std::string where = peer.address.empty() ? "the configured address" : peer.address;
  const std::string what = code == grpc::StatusCode::UNAVAILABLE
                               ? absl::StrCat(peer.name, " could not be reached at ", where)
                               : absl::StrCat(peer.name, " at ", where, " did not answer within ",
                                              peer.deadline.count(), " ms");
  return absl::Status(
      static_cast<absl::StatusCode>(code),
      absl::StrCat(what, " (", method, ": ", status.error_message(), "); is ", peer.name,
                   " running at ", where, "? set ", peer.variable, " to its host:port"));
}

}  // namespace events::rpc
