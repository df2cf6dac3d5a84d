// The personal link token: derived from the secret, the registration id and a nonce.
#include "services/registration/rules/link_token.h"

#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace events::registration {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kSecret[] = "correct horse battery staple, 32+ chars";
constexpr char kId[] = "rg_01J9ABCDEFGHJKMNPQRSTVWXYZ-01JA0000000000000000000000";

// Known answers computed apart from this code, with OpenSSL's command line:
//   printf 'events.registration-link.v1\0%s\0%s' "$id" "$nonce" |
//     openssl dgst -sha256 -hmac "correct horse battery staple, 32+ chars" -binary |
//     openssl base64 -A | tr '+/' '-_' | tr -d '='
// with id=rg_01J9ABCDEFGHJKMNPQRSTVWXYZ-01JA0000000000000000000000 and nonce "" or
// nonce=rg_01J9ABCDEFGHJKMNPQRSTVWXYZ-01JA0000000000000000000000:link_requested:1768478400000.
TEST(LinkTokenTest, MatchesTheKnownAnswerComputedWithOpenssl) {
  EXPECT_EQ(DeriveLinkToken(kSecret, kId, ""),
            std::string(kId) + ".c2FzKALhaSnlbymQ3JiMvIHmk5YEy9BAVVisN6T8ryY");
  EXPECT_EQ(DeriveLinkToken(kSecret, kId, std::string(kId) + ":link_requested:1768478400000"),
            std::string(kId) + ".MfsUdvj5bb0iCtxhzK3DEUj9J6myqPDEl1r5tNeoE_I");
}

TEST(LinkTokenTest, IsTheIdThenFortyThreeBase64UrlCharactersWithoutPadding) {
  const std::string token = DeriveLinkToken(kSecret, kId, "n");
  ASSERT_THAT(token, StartsWith(std::string(kId) + "."));
  const std::string mac = token.substr(sizeof(kId));
  EXPECT_EQ(mac.size(), 43u);
  EXPECT_EQ(
      mac.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos)
      << mac;
}

TEST(LinkTokenTest, TheSameInputsGiveTheSameToken) {
  EXPECT_EQ(DeriveLinkToken(kSecret, kId, "a"), DeriveLinkToken(kSecret, kId, "a"));
}

TEST(LinkTokenTest, DifferentIdsNoncesAndSecretsGiveDifferentTokens) {
  const std::string other_id = "rg_01J9ABCDEFGHJKMNPQRSTVWXYZ-01JA0000000000000000000001";
  const std::string other_secret = std::string(kSecret) + "!";
  std::set<std::string> macs;
  for (const std::string& token :
       {DeriveLinkToken(kSecret, kId, ""), DeriveLinkToken(kSecret, kId, "a"),
        DeriveLinkToken(kSecret, kId, "b"), DeriveLinkToken(kSecret, other_id, ""),
        DeriveLinkToken(other_secret, kId, ""), DeriveLinkToken(other_secret, kId, "a")}) {
    macs.insert(token.substr(token.find('.') + 1));
  }
  EXPECT_EQ(macs.size(), 6u);
}

TEST(LinkTokenTest, TheSeparatorKeepsIdAndNonceApart) {
  // Without a separator "…0" + "1x" and "…01" + "x" would be the same message.
  const std::string id = kId;
  const std::string shorter = id.substr(0, id.size() - 1);
  EXPECT_NE(
      DeriveLinkToken(kSecret, id, "x").substr(id.size() + 1),
      DeriveLinkToken(kSecret, shorter, id.substr(id.size() - 1) + "x").substr(shorter.size() + 1));
}

TEST(LinkSecretTest, NeedsAtLeastThirtyTwoCharactersAndSaysSo) {
  EXPECT_TRUE(CheckLinkSecret(std::string(32, 's')).ok());
  for (const std::string& bad : {std::string(), std::string(31, 's')}) {
    absl::Status s = CheckLinkSecret(bad);
    EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
    EXPECT_THAT(s.message(), HasSubstr("REGISTRATION_LINK_SECRET"));
    EXPECT_THAT(s.message(), HasSubstr("at least 32 characters"));
  }
}

TEST(RotationIdTest, TakesEmptyAndPrintableAsciiUpTo128) {
  EXPECT_TRUE(CheckRotationId("").ok());
  EXPECT_TRUE(CheckRotationId(std::string(kId) + ":link_requested:1768478400000").ok());
  EXPECT_TRUE(CheckRotationId(std::string(128, '~')).ok());
  EXPECT_TRUE(CheckRotationId(" !").ok());
}

TEST(RotationIdTest, RefusesLongOrUnprintableIdsNamingTheRule) {
  for (const std::string& bad : {std::string(129, 'a'), std::string("a\nb"), std::string("a\0b", 3),
                                 std::string("caf\xc3\xa9"), std::string("a\x7f")}) {
    absl::Status s = CheckRotationId(bad);
    EXPECT_TRUE(absl::IsInvalidArgument(s)) << bad;
    EXPECT_THAT(s.message(), HasSubstr("rotation_id must be at most 128 printable ASCII"));
  }
}

}  // namespace
}  // namespace events::registration
