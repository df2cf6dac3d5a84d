#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace events::rpc {

// Address ranges whose requests come through a proxy we trust to say who the client is
// (a Kubernetes ingress controller, a load balancer), e.g. "10.0.0.0/8,fd00::/8".
class TrustedProxies {
 public:
  TrustedProxies() = default;  // trusts nobody
  // A comma-separated list of CIDR ranges or single addresses; "" trusts nobody.
  // INVALID_ARGUMENT naming `variable` and the bad entry.
  static absl::StatusOr<TrustedProxies> Parse(absl::string_view spec, absl::string_view variable);

  bool empty() const { return ranges_.empty(); }
  bool Contains(absl::string_view ip) const;

 private:
  struct Range {
    int family = 0;                // AF_INET or AF_INET6
    unsigned char bytes[16] = {};  // network address
    int bits = 0;
  };
  std::vector<Range> ranges_;
};

// The IP address of a gRPC peer ("ipv4:10.0.0.1:5000" -> "10.0.0.1",
// "ipv6:[::1]:5000" -> "::1"); the peer text itself when it has no such shape.
std::string PeerAddress(absl::string_view peer);

// Who the client is: the peer's address, unless the peer is a trusted proxy; then the
// right-most address of `forwarded_for` (the x-forwarded-for header: "client, proxy1,
// proxy2") that is not itself a trusted proxy. Entries that are not addresses end the walk
// (the last good one is used), so a client cannot choose its own address by sending the
// header itself: only what trusted proxies appended counts.
std::string ClientAddress(absl::string_view peer, absl::string_view forwarded_for,
                          const TrustedProxies& trusted);

}  // namespace events::rpc
