#include "common/rpc/client_address.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace events::rpc {
namespace {

TrustedProxies Trust(const char* spec) {
  absl::StatusOr<TrustedProxies> t = TrustedProxies::Parse(spec, "TEST_PROXIES");
  EXPECT_TRUE(t.ok()) << t.status();
  return t.value_or(TrustedProxies());
}

TEST(ClientAddressTest, PeerAddressesLoseTheirPortAndBrackets) {
  EXPECT_EQ(PeerAddress("ipv4:10.0.0.1:5000"), "10.0.0.1");
  EXPECT_EQ(PeerAddress("ipv6:[::1]:5000"), "::1");
  EXPECT_EQ(PeerAddress("ipv6:[2001:db8::7]:443"), "2001:db8::7");
  EXPECT_EQ(PeerAddress("unix:/tmp/socket"), "/tmp/socket");
}

TEST(ClientAddressTest, WithoutTrustedProxiesThePeerIsTheClientWhateverTheHeaderSays) {
  EXPECT_EQ(ClientAddress("ipv4:10.1.2.3:5000", "198.51.100.7", TrustedProxies()), "10.1.2.3");
  EXPECT_EQ(ClientAddress("ipv4:203.0.113.9:5000", "198.51.100.7", Trust("10.0.0.0/8")),
            "203.0.113.9");
}

TEST(ClientAddressTest, BehindTrustedProxiesTheFirstUntrustedHopFromTheRightIsTheClient) {
  const TrustedProxies trusted = Trust("10.0.0.0/8, fd00::/8");
  EXPECT_EQ(ClientAddress("ipv4:10.1.2.3:5000", "198.51.100.7", trusted), "198.51.100.7");
  // A client sending its own header cannot pick its address: the proxy appends the real one.
  EXPECT_EQ(ClientAddress("ipv4:10.1.2.3:5000", "1.2.3.4, 198.51.100.7, 10.9.9.9", trusted),
            "198.51.100.7");
  EXPECT_EQ(ClientAddress("ipv6:[fd00::5]:5000", "2001:db8::1", trusted), "2001:db8::1");
  // Garbage ends the walk at the last good hop; all trusted: the left-most of them.
  EXPECT_EQ(ClientAddress("ipv4:10.1.2.3:5000", "not-an-ip, 10.2.2.2", trusted), "10.2.2.2");
  EXPECT_EQ(ClientAddress("ipv4:10.1.2.3:5000", "", trusted), "10.1.2.3");
}

TEST(ClientAddressTest, RangesMatchOnTheirPrefixOnly) {
  const TrustedProxies trusted = Trust("172.16.0.0/12,192.168.1.7");
  EXPECT_TRUE(trusted.Contains("172.31.255.1"));
  EXPECT_FALSE(trusted.Contains("172.32.0.1"));
  EXPECT_TRUE(trusted.Contains("192.168.1.7"));
  EXPECT_FALSE(trusted.Contains("192.168.1.8"));
  EXPECT_FALSE(trusted.Contains("::ffff:192.168.1.8"));
  EXPECT_FALSE(trusted.Contains("nonsense"));
}

TEST(ClientAddressTest, BadRangesAreRefusedNamingTheVariableAndTheEntry) {
  for (const char* bad :
       {"10.0.0.0/33", "10.0.0.0/x", "example.org", "fd00::/129", "10.0.0.0/-1"}) {
    absl::StatusOr<TrustedProxies> t = TrustedProxies::Parse(bad, "REGISTRATION_TRUSTED_PROXIES");
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_TRUE(absl::StrContains(t.status().message(), "REGISTRATION_TRUSTED_PROXIES"));
    EXPECT_TRUE(absl::StrContains(t.status().message(), bad));
  }
  EXPECT_TRUE(TrustedProxies::Parse("", "X")->empty());
}

}  // namespace
}  // namespace events::rpc
