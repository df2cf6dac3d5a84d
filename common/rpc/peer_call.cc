#include "common/rpc/peer_call.h"

#include "absl/strings/str_cat.h"
#include "common/rpc/status.h"

namespace events::rpc {

absl::Status PeerCallFailed(const grpc::Status& status, const Peer& peer,
                            absl::string_view method) {
  const grpc::StatusCode code = status.error_code();
  const std::string where = peer.address.empty() ? "the configured address" : peer.address;
  if (code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED) {
    const std::string what = code == grpc::StatusCode::UNAVAILABLE
                                 ? absl::StrCat(peer.name, " could not be reached at ", where)
                                 : absl::StrCat(peer.name, " at ", where, " did not answer within ",
                                                peer.deadline.count(), " ms");
    return absl::UnavailableError(absl::StrCat(what, " (", method, ": ", status.error_message(),
                                               "); is ", peer.name, " running at ", where, "? set ",
                                               peer.variable, " to its host:port"));
  }
  if ((code == grpc::StatusCode::UNAUTHENTICATED || code == grpc::StatusCode::PERMISSION_DENIED) &&
      !peer.forwards_callers_credentials) {
    const std::string what = peer.credential.empty() ? std::string("the call") : peer.credential;
    return absl::InternalError(
        absl::StrCat(what, " was refused by ", peer.name, " at ", where, " (", method, ": ",
                     status.error_message(),
                     "); this is a configuration problem of the service, not of the request"));
  }
  return FromGrpcStatus(status);
}

}  // namespace events::rpc
