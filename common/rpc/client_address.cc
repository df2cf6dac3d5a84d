#include "common/rpc/client_address.h"

#include <arpa/inet.h>

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace events::rpc {

namespace {

// Parses an IPv4 or IPv6 address into bytes; returns its family, or 0.
int ParseIp(absl::string_view text, unsigned char out[16]) {
  const std::string s(absl::StripAsciiWhitespace(text));
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    std::memcpy(out, &v4, 4);
    return AF_INET;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    std::memcpy(out, &v6, 16);
    return AF_INET6;
  }
  return 0;
}

bool PrefixMatches(const unsigned char* a, const unsigned char* b, int bits) {
  const int whole = bits / 8;
  if (std::memcmp(a, b, whole) != 0) return false;
  const int rest = bits % 8;
  if (rest == 0) return true;
  const unsigned char mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

}  // namespace

absl::StatusOr<TrustedProxies> TrustedProxies::Parse(absl::string_view spec,
                                                     absl::string_view variable) {
  TrustedProxies out;
  for (absl::string_view entry : absl::StrSplit(spec, ',', absl::SkipWhitespace())) {
    entry = absl::StripAsciiWhitespace(entry);
    Range range;
    absl::string_view address = entry;
    bool has_bits = false;
    bool bits_ok = true;
    int bits = 0;
    if (const size_t slash = entry.find('/'); slash != absl::string_view::npos) {
      address = entry.substr(0, slash);
      has_bits = true;
      bits_ok = absl::SimpleAtoi(entry.substr(slash + 1), &bits);
    }
    range.family = ParseIp(address, range.bytes);
    const int max_bits = range.family == AF_INET ? 32 : 128;
    if (range.family == 0 || !bits_ok || (has_bits && (bits < 0 || bits > max_bits))) {
      return absl::InvalidArgumentError(
          absl::StrCat(variable,
                       " must be a comma-separated list of addresses or CIDR ranges such as "
                       "10.0.0.0/8 or fd00::/8; '",
                       entry, "' is not one"));
    }
    range.bits = has_bits ? bits : max_bits;
    out.ranges_.push_back(range);
  }
  return out;
}

bool TrustedProxies::Contains(absl::string_view ip) const {
  unsigned char bytes[16] = {};
  const int family = ParseIp(ip, bytes);
  if (family == 0) return false;
  for (const Range& r : ranges_) {
    if (r.family == family && PrefixMatches(bytes, r.bytes, r.bits)) return true;
  }
  return false;
}

std::string PeerAddress(absl::string_view peer) {
  const size_t colon = peer.find(':');
  absl::string_view rest = colon == absl::string_view::npos ? peer : peer.substr(colon + 1);
  if (!rest.empty() && rest[0] == '[') {  // ipv6:[::1]:5000
    const size_t close = rest.find(']');
    return std::string(rest.substr(1, close == absl::string_view::npos ? rest.size() : close - 1));
  }
  const size_t port = rest.rfind(':');
  return std::string(port == absl::string_view::npos ? rest : rest.substr(0, port));
}

std::string ClientAddress(absl::string_view peer, absl::string_view forwarded_for,
                          const TrustedProxies& trusted) {
  std::string client = PeerAddress(peer);
  if (trusted.empty() || forwarded_for.empty() || !trusted.Contains(client)) return client;
  std::vector<absl::string_view> hops = absl::StrSplit(forwarded_for, ',');
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    absl::string_view hop = absl::StripAsciiWhitespace(*it);
    unsigned char bytes[16];
    if (ParseIp(hop, bytes) == 0) break;  // not an address: trust nothing further left
    client = std::string(hop);
    if (!trusted.Contains(client)) break;  // the first untrusted hop is the client
  }
  return client;
}

}  // namespace events::rpc
