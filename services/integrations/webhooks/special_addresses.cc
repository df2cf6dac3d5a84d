#include "services/integrations/webhooks/special_addresses.h"

#include <arpa/inet.h>

#include <array>
#include <cstring>
#include <vector>

namespace events::integrations {

namespace {

// What an address in a block is, for a webhook. The most specific block holding an
// address decides, so a refused block may sit inside a public one and the other way round.
enum class Reach {
  kRefused,   // not globally reachable, or no place for a webhook receiver
  kGlobal,    // an ordinary public address
  kEmbedsV4,  // carries an IPv4 address in its last 32 bits: that address decides
};

struct Block {
  const char* prefix;
  int bits;
  Reach reach;
};

// IANA IPv4 Special-Purpose Address Registry, plus the blocks outside it that are not
// unicast (multicast). Anything not listed is public.
constexpr Block kV4Blocks[] = {
    {"0.0.0.0", 8, Reach::kRefused},       // "this network", RFC 791 s3.2
    {"0.0.0.0", 32, Reach::kRefused},      // "this host on this network", RFC 1122
    {"10.0.0.0", 8, Reach::kRefused},      // private use, RFC 1918
    {"100.64.0.0", 10, Reach::kRefused},   // shared address space (CGN), RFC 6598
    {"127.0.0.0", 8, Reach::kRefused},     // loopback, RFC 1122
    {"169.254.0.0", 16, Reach::kRefused},  // link local (cloud metadata), RFC 3927
    {"172.16.0.0", 12, Reach::kRefused},   // private use, RFC 1918
    {"192.0.0.0", 24, Reach::kRefused},    // IETF protocol assignments, RFC 6890
    {"192.0.0.0", 29, Reach::kRefused},    // IPv4 service continuity prefix, RFC 7335
    {"192.0.0.8", 32, Reach::kRefused},    // IPv4 dummy address, RFC 7600
    // Registry: globally reachable. Refused all the same: an anycast service address is
    // answered by the nearest server, which may be one inside the operator's network.
    {"192.0.0.9", 32, Reach::kRefused},        // Port Control Protocol anycast, RFC 7723
    {"192.0.0.10", 32, Reach::kRefused},       // TURN anycast, RFC 8155
    {"192.0.0.170", 32, Reach::kRefused},      // NAT64/DNS64 discovery, RFC 7050, RFC 8880
    {"192.0.0.171", 32, Reach::kRefused},      // NAT64/DNS64 discovery, RFC 7050, RFC 8880
    {"192.0.2.0", 24, Reach::kRefused},        // documentation (TEST-NET-1), RFC 5737
    {"192.31.196.0", 24, Reach::kGlobal},      // AS112-v4, RFC 7535 (globally reachable)
    {"192.52.193.0", 24, Reach::kGlobal},      // AMT, RFC 7450 (globally reachable)
    {"192.88.99.0", 24, Reach::kRefused},      // deprecated 6to4 relay anycast, RFC 7526
    {"192.88.99.2", 32, Reach::kRefused},      // 6a44 relay anycast, RFC 6751
    {"192.168.0.0", 16, Reach::kRefused},      // private use, RFC 1918
    {"192.175.48.0", 24, Reach::kGlobal},      // direct delegation AS112, RFC 7534 (global)
    {"198.18.0.0", 15, Reach::kRefused},       // benchmarking, RFC 2544
    {"198.51.100.0", 24, Reach::kRefused},     // documentation (TEST-NET-2), RFC 5737
    {"203.0.113.0", 24, Reach::kRefused},      // documentation (TEST-NET-3), RFC 5737
    {"224.0.0.0", 4, Reach::kRefused},         // multicast, RFC 5771 (not in the registry)
    {"240.0.0.0", 4, Reach::kRefused},         // reserved, RFC 1112 s4
    {"255.255.255.255", 32, Reach::kRefused},  // limited broadcast, RFC 8190, RFC 919 s7
    {"0.0.0.0", 0, Reach::kGlobal},            // everything else
};

// IANA IPv6 Special-Purpose Address Registry, the IPv4-carrying forms, and the IPv6
// address space outside global unicast (unassigned, multicast, site-local).
constexpr Block kV6Blocks[] = {
    {"::", 0, Reach::kRefused},     // outside 2000::/3: not global unicast, RFC 4291
    {"2000::", 3, Reach::kGlobal},  // global unicast, RFC 4291
    {"::", 128, Reach::kRefused},   // unspecified, RFC 4291
    {"::1", 128, Reach::kRefused},  // loopback, RFC 4291
    // Forms that carry an IPv4 address. The deprecated ones are refused whatever they carry
    // (no receiver is reached through them); a resolver or a dual-stack socket may hand out
    // the other two, which go where their IPv4 address goes.
    {"::", 96, Reach::kRefused},            // IPv4-compatible (deprecated), RFC 4291 s2.5.5.1
    {"::ffff:0:0:0", 96, Reach::kRefused},  // IPv4-translated (obsolete), RFC 2765
    {"::ffff:0:0", 96, Reach::kEmbedsV4},   // IPv4-mapped, RFC 4291 (registry: not global)
    {"64:ff9b::", 96, Reach::kEmbedsV4},    // NAT64 well-known prefix, RFC 6052
    {"64:ff9b:1::", 48, Reach::kRefused},   // local-use IPv4/IPv6 translation, RFC 8215
    {"100::", 64, Reach::kRefused},         // discard-only, RFC 6666
    {"100:0:0:1::", 64, Reach::kRefused},   // dummy IPv6 prefix, RFC 9780
    {"2001::", 23, Reach::kRefused},        // IETF protocol assignments, RFC 2928
    {"2001::", 32, Reach::kRefused},        // Teredo (hides an IPv4 address), RFC 4380
    // Registry: globally reachable; refused as in IPv4 (anycast service addresses).
    {"2001:1::1", 128, Reach::kRefused},   // Port Control Protocol anycast, RFC 7723
    {"2001:1::2", 128, Reach::kRefused},   // TURN anycast, RFC 8155
    {"2001:1::3", 128, Reach::kRefused},   // DNS-SD service registration anycast, RFC 9665
    {"2001:2::", 48, Reach::kRefused},     // benchmarking, RFC 5180
    {"2001:3::", 32, Reach::kGlobal},      // AMT, RFC 7450 (globally reachable)
    {"2001:4:112::", 48, Reach::kGlobal},  // AS112-v6, RFC 7535 (globally reachable)
    {"2001:10::", 28, Reach::kRefused},    // deprecated ORCHID, RFC 4843
    // Registry: globally reachable; refused: identifiers, not locators (no host lives there).
    {"2001:20::", 28, Reach::kRefused},      // ORCHIDv2, RFC 7343
    {"2001:30::", 28, Reach::kRefused},      // drone remote ID entity tags, RFC 9374
    {"2001:db8::", 32, Reach::kRefused},     // documentation, RFC 3849
    {"2002::", 16, Reach::kRefused},         // 6to4 (may wrap any IPv4 address), RFC 3056
    {"2620:4f:8000::", 48, Reach::kGlobal},  // direct delegation AS112, RFC 7534 (global)
    {"3fff::", 20, Reach::kRefused},         // documentation, RFC 9637
    {"5f00::", 16, Reach::kRefused},         // segment routing (SRv6) SIDs, RFC 9602
    {"fc00::", 7, Reach::kRefused},          // unique local, RFC 4193, RFC 8190
    {"fe80::", 10, Reach::kRefused},         // link-local unicast, RFC 4291
    {"fec0::", 10, Reach::kRefused},         // site-local (deprecated), RFC 3879
    {"ff00::", 8, Reach::kRefused},          // multicast, RFC 4291
};
// 64:ff9b:1::/48, 100::/64, 100:0:0:1::/64, 5f00::/16, fc00::/7 and the rest outside
// 2000::/3 are refused by the first line already; they are listed so that the table reads as
// the registry and stays right if the default ever changes.

// A block as bytes, network order.
struct ParsedBlock {
  std::array<unsigned char, 16> prefix{};
  int bits = 0;
  Reach reach = Reach::kRefused;
};

template <size_t N>
std::vector<ParsedBlock> Parse(const Block (&blocks)[N], int family) {
  std::vector<ParsedBlock> out;
  for (const Block& b : blocks) {
    ParsedBlock p;
    p.bits = b.bits;
    p.reach = b.reach;
    // The literals above are valid; a typo would refuse everything under the zeroed prefix
    // rather than allow anything, and the table test covers every line.
    inet_pton(family, b.prefix, p.prefix.data());
    out.push_back(p);
  }
  return out;
}

bool Within(const unsigned char* ip, const ParsedBlock& b) {
  const int whole = b.bits / 8;
  if (std::memcmp(ip, b.prefix.data(), whole) != 0) return false;
  const int rest = b.bits % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (ip[whole] & mask) == (b.prefix[whole] & mask);
}

// The reach of the most specific block holding `ip` (the /0 line always holds it).
Reach ReachOf(const unsigned char* ip, const std::vector<ParsedBlock>& blocks) {
  const ParsedBlock* best = nullptr;
  for (const ParsedBlock& b : blocks) {
    if (Within(ip, b) && (best == nullptr || b.bits > best->bits)) best = &b;
  }
  return best == nullptr ? Reach::kRefused : best->reach;
}

}  // namespace

bool IsGloballyReachableV4(uint32_t ip) {
  static const std::vector<ParsedBlock> blocks = Parse(kV4Blocks, AF_INET);
  const unsigned char bytes[4] = {
      static_cast<unsigned char>(ip >> 24), static_cast<unsigned char>(ip >> 16),
      static_cast<unsigned char>(ip >> 8), static_cast<unsigned char>(ip)};
  return ReachOf(bytes, blocks) == Reach::kGlobal;
}

bool IsGloballyReachableV6(const in6_addr& ip) {
  static const std::vector<ParsedBlock> blocks = Parse(kV6Blocks, AF_INET6);
  const unsigned char* b = ip.s6_addr;
  switch (ReachOf(b, blocks)) {
    case Reach::kGlobal:
      return true;
    case Reach::kEmbedsV4:
      return IsGloballyReachableV4((uint32_t{b[12]} << 24) | (uint32_t{b[13]} << 16) |
                                   (uint32_t{b[14]} << 8) | uint32_t{b[15]});
    case Reach::kRefused:
      return false;
  }
  return false;
}

}  // namespace events::integrations
