#pragma once

#include <netinet/in.h>

#include <cstdint>

namespace events::integrations {

// Whether a webhook may be delivered to an address, from the IANA IPv4 and IPv6
// Special-Purpose Address Registries (RFC 6890 and its updates): every block the registry
// does not mark globally reachable is refused, and so are a few it does (anycast service
// addresses and identifier prefixes; see special_addresses.cc). In IPv6 only global unicast
// (2000::/3) can be public at all. IPv4-mapped addresses and the NAT64 well-known prefix are
// judged by the IPv4 address they carry, since that is where a connection to them goes; the
// deprecated IPv4-compatible (::/96) and IPv4-translated (::ffff:0:0:0/96) forms are refused.
// Thread-safe (pure).
bool IsGloballyReachableV4(uint32_t ip);  // host byte order
bool IsGloballyReachableV6(const in6_addr& ip);

}  // namespace events::integrations
