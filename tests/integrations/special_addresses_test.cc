// Every block of the IANA IPv4 and IPv6 special-purpose address registries (and the forms
// that carry an IPv4 address): an address at each end of the block, and the addresses just
// outside it, through IsPublicAddress as the delivery and CheckWebhookUrl use it.
#include "gtest/gtest.h"
#include "services/integrations/webhooks/url_policy.h"

namespace events::integrations {
namespace {

struct Row {
  const char* address;
  bool is_public;
  const char* why;
};

constexpr bool kPublic = true;
constexpr bool kRefused = false;

const Row kV4Rows[] = {
    {"0.0.0.0", kRefused, "this host, RFC 1122"},
    {"0.0.0.1", kRefused, "this network 0/8, RFC 791"},
    {"0.255.255.255", kRefused, "this network 0/8, last"},
    {"1.0.0.0", kPublic, "above 0/8"},
    {"9.255.255.255", kPublic, "below 10/8"},
    {"10.0.0.0", kRefused, "private 10/8, RFC 1918"},
    {"10.255.255.255", kRefused, "private 10/8, last"},
    {"11.0.0.0", kPublic, "above 10/8"},
    {"100.63.255.255", kPublic, "below 100.64/10"},
    {"100.64.0.0", kRefused, "shared 100.64/10, RFC 6598"},
    {"100.127.255.255", kRefused, "shared 100.64/10, last"},
    {"100.128.0.0", kPublic, "above 100.64/10"},
    {"126.255.255.255", kPublic, "below 127/8"},
    {"127.0.0.0", kRefused, "loopback 127/8, RFC 1122"},
    {"127.255.255.255", kRefused, "loopback, last"},
    {"128.0.0.0", kPublic, "above 127/8"},
    {"169.253.255.255", kPublic, "below 169.254/16"},
    {"169.254.0.0", kRefused, "link local, RFC 3927"},
    {"169.254.169.254", kRefused, "link local: cloud metadata"},
    {"169.254.255.255", kRefused, "link local, last"},
    {"169.255.0.0", kPublic, "above 169.254/16"},
    {"172.15.255.255", kPublic, "below 172.16/12"},
    {"172.16.0.0", kRefused, "private 172.16/12, RFC 1918"},
    {"172.31.255.255", kRefused, "private 172.16/12, last"},
    {"172.32.0.0", kPublic, "above 172.16/12"},
    {"191.255.255.255", kPublic, "below 192.0.0/24"},
    {"192.0.0.0", kRefused, "IETF assignments 192.0.0/24 and continuity /29, RFC 6890/7335"},
    {"192.0.0.7", kRefused, "service continuity /29, last"},
    {"192.0.0.8", kRefused, "dummy address, RFC 7600"},
    {"192.0.0.9", kRefused, "PCP anycast, RFC 7723 (anycast: refused)"},
    {"192.0.0.10", kRefused, "TURN anycast, RFC 8155 (anycast: refused)"},
    {"192.0.0.11", kRefused, "IETF assignments 192.0.0/24"},
    {"192.0.0.170", kRefused, "NAT64 discovery, RFC 7050"},
    {"192.0.0.171", kRefused, "NAT64 discovery, RFC 7050"},
    {"192.0.0.255", kRefused, "IETF assignments, last"},
    {"192.0.1.0", kPublic, "above 192.0.0/24"},
    {"192.0.1.255", kPublic, "below 192.0.2/24"},
    {"192.0.2.0", kRefused, "TEST-NET-1, RFC 5737"},
    {"192.0.2.255", kRefused, "TEST-NET-1, last"},
    {"192.0.3.0", kPublic, "above TEST-NET-1"},
    {"192.31.195.255", kPublic, "below AS112-v4"},
    {"192.31.196.0", kPublic, "AS112-v4, RFC 7535 (globally reachable)"},
    {"192.31.196.255", kPublic, "AS112-v4, last"},
    {"192.31.197.0", kPublic, "above AS112-v4"},
    {"192.52.192.255", kPublic, "below AMT"},
    {"192.52.193.0", kPublic, "AMT, RFC 7450 (globally reachable)"},
    {"192.52.193.255", kPublic, "AMT, last"},
    {"192.52.194.0", kPublic, "above AMT"},
    {"192.88.98.255", kPublic, "below 6to4 relay anycast"},
    {"192.88.99.0", kRefused, "6to4 relay anycast, RFC 7526"},
    {"192.88.99.2", kRefused, "6a44 relay anycast, RFC 6751"},
    {"192.88.99.255", kRefused, "6to4 relay anycast, last"},
    {"192.88.100.0", kPublic, "above 6to4 relay anycast"},
    {"192.167.255.255", kPublic, "below 192.168/16"},
    {"192.168.0.0", kRefused, "private 192.168/16, RFC 1918"},
    {"192.168.255.255", kRefused, "private 192.168/16, last"},
    {"192.169.0.0", kPublic, "above 192.168/16"},
    {"192.175.47.255", kPublic, "below direct delegation AS112"},
    {"192.175.48.0", kPublic, "direct delegation AS112, RFC 7534 (globally reachable)"},
    {"192.175.48.255", kPublic, "direct delegation AS112, last"},
    {"192.175.49.0", kPublic, "above direct delegation AS112"},
    {"198.17.255.255", kPublic, "below 198.18/15"},
    {"198.18.0.0", kRefused, "benchmarking, RFC 2544"},
    {"198.19.255.255", kRefused, "benchmarking, last"},
    {"198.20.0.0", kPublic, "above 198.18/15"},
    {"198.51.99.255", kPublic, "below TEST-NET-2"},
    {"198.51.100.0", kRefused, "TEST-NET-2, RFC 5737"},
    {"198.51.100.255", kRefused, "TEST-NET-2, last"},
    {"198.51.101.0", kPublic, "above TEST-NET-2"},
    {"203.0.112.255", kPublic, "below TEST-NET-3"},
    {"203.0.113.0", kRefused, "TEST-NET-3, RFC 5737"},
    {"203.0.113.255", kRefused, "TEST-NET-3, last"},
    {"203.0.114.0", kPublic, "above TEST-NET-3"},
    {"223.255.255.255", kPublic, "below multicast"},
    {"224.0.0.0", kRefused, "multicast, RFC 5771"},
    {"239.255.255.255", kRefused, "multicast, last"},
    {"240.0.0.0", kRefused, "reserved, RFC 1112"},
    {"255.255.255.254", kRefused, "reserved, last below broadcast"},
    {"255.255.255.255", kRefused, "limited broadcast, RFC 8190"},
    {"93.184.216.34", kPublic, "an ordinary public address"},
};

const Row kV6Rows[] = {
    {"::", kRefused, "unspecified, RFC 4291"},
    {"::1", kRefused, "loopback, RFC 4291"},
    {"::2", kRefused, "IPv4-compatible ::/96 (deprecated)"},
    {"::93.184.216.34", kRefused, "IPv4-compatible ::/96, even with a public IPv4"},
    {"::ffff:ffff", kRefused, "IPv4-compatible ::/96, last"},
    {"::1:0:0", kRefused, "above ::/96: outside 2000::/3"},
    {"::fffe:ffff:ffff", kRefused, "below ::ffff:0:0/96: outside 2000::/3"},
    {"::ffff:0.0.0.0", kRefused, "IPv4-mapped 0.0.0.0"},
    {"::ffff:10.0.0.1", kRefused, "IPv4-mapped private"},
    {"::ffff:127.0.0.1", kRefused, "IPv4-mapped loopback"},
    {"::ffff:169.254.169.254", kRefused, "IPv4-mapped metadata"},
    {"::ffff:93.184.216.34", kPublic, "IPv4-mapped public: goes to the IPv4 address"},
    {"::ffff:255.255.255.255", kRefused, "IPv4-mapped broadcast, last"},
    {"::1:0:0:0", kRefused, "above ::ffff:0:0/96: outside 2000::/3"},
    {"::ffff:0:0:0", kRefused, "IPv4-translated ::ffff:0:0:0/96, RFC 2765"},
    {"::ffff:0:5db8:d822", kRefused, "IPv4-translated, even with a public IPv4"},
    {"::ffff:0:ffff:ffff", kRefused, "IPv4-translated, last"},
    {"64:ff9a:ffff:ffff:ffff:ffff:ffff:ffff", kRefused, "below NAT64: outside 2000::/3"},
    {"64:ff9b::", kRefused, "NAT64 of 0.0.0.0, RFC 6052"},
    {"64:ff9b::a00:1", kRefused, "NAT64 of 10.0.0.1"},
    {"64:ff9b::7f00:1", kRefused, "NAT64 of 127.0.0.1"},
    {"64:ff9b::5db8:d822", kPublic, "NAT64 of a public IPv4"},
    {"64:ff9b::ffff:ffff", kRefused, "NAT64 of 255.255.255.255, last"},
    {"64:ff9b::1:0:0", kRefused, "above the NAT64 /96"},
    {"64:ff9b:1::", kRefused, "local-use translation, RFC 8215"},
    {"64:ff9b:1::5db8:d822", kRefused, "local-use translation with a public IPv4"},
    {"64:ff9b:1:ffff:ffff:ffff:ffff:ffff", kRefused, "local-use translation, last"},
    {"64:ff9b:2::", kRefused, "above local-use translation: outside 2000::/3"},
    {"100::", kRefused, "discard-only, RFC 6666"},
    {"100::ffff:ffff:ffff:ffff", kRefused, "discard-only, last"},
    {"100:0:0:1::", kRefused, "dummy prefix, RFC 9780"},
    {"100:0:0:1:ffff:ffff:ffff:ffff", kRefused, "dummy prefix, last"},
    {"1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", kRefused, "below global unicast"},
    {"2000::", kPublic, "global unicast 2000::/3, first"},
    {"2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff", kPublic, "below 2001::/23"},
    {"2001::", kRefused, "IETF assignments 2001::/23 and Teredo, RFC 2928/4380"},
    {"2001:0:ffff:ffff:ffff:ffff:ffff:ffff", kRefused, "Teredo, last"},
    {"2001:1::", kRefused, "IETF assignments 2001::/23"},
    {"2001:1::1", kRefused, "PCP anycast, RFC 7723 (anycast: refused)"},
    {"2001:1::2", kRefused, "TURN anycast, RFC 8155 (anycast: refused)"},
    {"2001:1::3", kRefused, "DNS-SD SRP anycast, RFC 9665 (anycast: refused)"},
    {"2001:1::4", kRefused, "IETF assignments 2001::/23"},
    {"2001:2::", kRefused, "benchmarking, RFC 5180"},
    {"2001:2:0:ffff:ffff:ffff:ffff:ffff", kRefused, "benchmarking, last"},
    {"2001:2:ffff:ffff:ffff:ffff:ffff:ffff", kRefused, "below AMT: IETF assignments"},
    {"2001:3::", kPublic, "AMT, RFC 7450 (globally reachable)"},
    {"2001:3:ffff:ffff:ffff:ffff:ffff:ffff", kPublic, "AMT, last"},
    {"2001:4::", kRefused, "above AMT: IETF assignments"},
    {"2001:4:111:ffff:ffff:ffff:ffff:ffff", kRefused, "below AS112-v6: IETF assignments"},
    {"2001:4:112::", kPublic, "AS112-v6, RFC 7535 (globally reachable)"},
    {"2001:4:112:ffff:ffff:ffff:ffff:ffff", kPublic, "AS112-v6, last"},
    {"2001:4:113::", kRefused, "above AS112-v6: IETF assignments"},
    {"2001:10::", kRefused, "ORCHID (deprecated), RFC 4843"},
    {"2001:1f:ffff:ffff:ffff:ffff:ffff:ffff", kRefused, "ORCHID, last"},
    {"2001:20::", kRefused, "ORCHIDv2, RFC 7343 (identifiers: refused)"},
    {"2001:2f:ffff:ffff:ffff:ffff:ffff:ffff", kRefused, "ORCHIDv2, last"},
    {"2001:30::", kRefused, "drone remote ID tags, RFC 9374 (identifiers: refused)"},
    {"2001:3f:ffff:ffff:ffff:ffff:ffff:ffff", kRefused, "drone remote ID tags, last"},
    {"2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", kRefused, "IETF assignments 2001::/23, last"},
    {"2001:200::", kPublic, "above 2001::/23"},
    {"2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", kPublic, "below documentation"},
    {"2001:db8::", kRefused, "documentation, RFC 3849"},
    {"2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", kRefused, "documentation, last"},
    {"2001:db9::", kPublic, "above documentation"},
    {"2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff", kPublic, "below 6to4"},
    {"2002::", kRefused, "6to4, RFC 3056"},
    {"2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff", kRefused, "6to4, last"},
    {"2003::", kPublic, "above 6to4"},
    {"2620:4f:7fff:ffff:ffff:ffff:ffff:ffff", kPublic, "below direct delegation AS112"},
    {"2620:4f:8000::", kPublic, "direct delegation AS112, RFC 7534 (globally reachable)"},
    {"2620:4f:8000:ffff:ffff:ffff:ffff:ffff", kPublic, "direct delegation AS112, last"},
    {"2606:4700::1111", kPublic, "an ordinary public address"},
    {"3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff", kPublic, "below 3fff::/20"},
    {"3fff::", kRefused, "documentation, RFC 9637"},
    {"3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff", kRefused, "documentation 3fff::/20, last"},
    {"3fff:1000::", kPublic, "above 3fff::/20"},
    {"3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", kPublic, "global unicast, last"},
    {"4000::", kRefused, "above global unicast"},
    {"5f00::", kRefused, "SRv6 SIDs, RFC 9602"},
    {"5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff", kRefused, "SRv6 SIDs, last"},
    {"fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", kRefused, "below unique local"},
    {"fc00::", kRefused, "unique local, RFC 4193"},
    {"fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", kRefused, "unique local, last"},
    {"fe80::", kRefused, "link local, RFC 4291"},
    {"febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", kRefused, "link local, last"},
    {"fec0::", kRefused, "site local (deprecated), RFC 3879"},
    {"ff00::", kRefused, "multicast, RFC 4291"},
    {"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", kRefused, "multicast, last"},
};

TEST(UrlPolicySpecialAddressTest, EveryIpv4BlockIsDecidedAtItsEdges) {
  for (const Row& row : kV4Rows) {
    EXPECT_EQ(IsPublicAddress(row.address), row.is_public) << row.address << ": " << row.why;
  }
}

TEST(UrlPolicySpecialAddressTest, EveryIpv6BlockIsDecidedAtItsEdges) {
  for (const Row& row : kV6Rows) {
    EXPECT_EQ(IsPublicAddress(row.address), row.is_public) << row.address << ": " << row.why;
  }
}

TEST(UrlPolicySpecialAddressTest, WebhookUrlsWithReservedIpv6LiteralsAreRefused) {
  for (const char* url : {"https://[64:ff9b:1::a00:1]/", "https://[::a00:1]/",
                          "https://[::ffff:0:a00:1]/", "https://[100::1]/", "https://[3fff::1]/",
                          "https://[2001:10::1]/", "https://[5f00::1]/", "https://[2001:1::1]/"}) {
    EXPECT_EQ(CheckWebhookUrl(url, "url", {}).status().code(), absl::StatusCode::kInvalidArgument)
        << url;
  }
  EXPECT_TRUE(CheckWebhookUrl("https://[64:ff9b::5db8:d822]/", "url", {}).ok());
}

}  // namespace
}  // namespace events::integrations
