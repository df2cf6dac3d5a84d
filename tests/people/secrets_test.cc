#include "services/people/domain/secrets.h"

#include <set>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace events::people {
namespace {

// RFC 6238, appendix B: the SHA-1 key "12345678901234567890" and its 8-digit codes, of
// which the 6 digits an app shows are the last six.
TEST(TotpTest, MatchesTheRfc6238TestVectors) {
  const std::string key = "12345678901234567890";
  struct Vector {
    int64_t unix_seconds;
    const char* code;
  };
  for (const Vector& v : {Vector{59, "287082"}, Vector{1111111109, "081804"},
                          Vector{1111111111, "050471"}, Vector{1234567890, "005924"},
                          Vector{2000000000, "279037"}, Vector{20000000000, "353130"}}) {
    EXPECT_EQ(TotpCode(key, v.unix_seconds / kTotpStepSeconds), v.code) << v.unix_seconds;
    std::optional<int64_t> step = MatchTotp(key, v.code, v.unix_seconds * 1000);
    ASSERT_TRUE(step.has_value()) << v.unix_seconds;
    EXPECT_EQ(*step, v.unix_seconds / kTotpStepSeconds);
  }
}

TEST(TotpTest, AcceptsOneStepEitherSideAndNoMore) {
  const std::string key = NewTotpKey();
  const int64_t now_ms = 1'780'000'000'000;
  const int64_t step = now_ms / 1000 / kTotpStepSeconds;
  EXPECT_EQ(MatchTotp(key, TotpCode(key, step - 1), now_ms), step - 1);
  EXPECT_EQ(MatchTotp(key, TotpCode(key, step + 1), now_ms), step + 1);
  // Spaces as apps show them ("123 456") are fine.
  const std::string code = TotpCode(key, step);
  EXPECT_EQ(MatchTotp(key, code.substr(0, 3) + " " + code.substr(3), now_ms), step);
  for (int64_t far : {step - 2, step + 2}) {
    const std::string other = TotpCode(key, far);
    if (other != TotpCode(key, step - 1) && other != code && other != TotpCode(key, step + 1)) {
      EXPECT_FALSE(MatchTotp(key, other, now_ms).has_value());
    }
  }
  EXPECT_FALSE(MatchTotp(key, "12345", now_ms).has_value());
  EXPECT_FALSE(MatchTotp(key, "abcdef", now_ms).has_value());
}

TEST(TotpTest, TheKeyIsShownInBase32AndAsAnOtpauthUri) {
  const std::string key = "12345678901234567890";
  EXPECT_EQ(Base32(key), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  EXPECT_EQ(Base32Grouped(key), "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
  const std::string uri = OtpauthUri(key, "Inclusive Events", "amira@example.org");
  EXPECT_EQ(uri,
            "otpauth://totp/Inclusive%20Events:amira%40example.org?secret="
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Inclusive%20Events&algorithm=SHA1&digits=6"
            "&period=30");
}

TEST(LinkTokenTest, OnlyTokensMadeWithTheSecretAreAccepted) {
  const std::string secret(32, 's');
  const std::string link_id = "sil_01JDQ3V4N7X8K2M9P0R5T6W8Y1";
  const std::string token = LinkToken(secret, link_id);
  EXPECT_TRUE(absl::StartsWith(token, link_id + "."));
  EXPECT_EQ(token.size(), link_id.size() + 1 + 43);
  auto id = LinkIdOf(secret, token);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, link_id);

  EXPECT_EQ(LinkIdOf(std::string(32, 't'), token).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::string tampered = token;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(LinkIdOf(secret, tampered).status().code(), absl::StatusCode::kInvalidArgument);
  const std::string other = LinkToken(secret, "sil_01JDQ3V4N7X8K2M9P0R5T6W8Y2");
  EXPECT_FALSE(LinkIdOf(secret, link_id + other.substr(other.find('.'))).ok());
  for (const char* bad : {"", "nodot", ".abc", "sil_x.abc"}) {
    auto refused = LinkIdOf(secret, bad);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(refused.status().message(), ::testing::HasSubstr("link_token"));
  }
}

TEST(SessionTokenTest, IsEvsAnd43UrlSafeCharactersAndNeverRepeats) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string token = NewSessionToken();
    EXPECT_TRUE(absl::StartsWith(token, "evs_"));
    EXPECT_EQ(token.size(), 47u);
    EXPECT_TRUE(seen.insert(token).second);
  }
}

TEST(RecoveryCodeTest, TenCodesOfAnUnambiguousAlphabetReadBackHoweverTyped) {
  const std::vector<std::string> codes = NewRecoveryCodes();
  ASSERT_EQ(codes.size(), 10u);
  std::set<std::string> distinct(codes.begin(), codes.end());
  EXPECT_EQ(distinct.size(), 10u);
  for (const std::string& code : codes) {
    ASSERT_EQ(code.size(), 11u);
    EXPECT_EQ(code[5], '-');
    EXPECT_EQ(code.find_first_of("01ilo"), std::string::npos) << code;
    std::string typed = code;
    for (char& c : typed) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    typed.replace(5, 1, " ");
    EXPECT_EQ(NormaliseRecoveryCode(typed), code.substr(0, 5) + code.substr(6));
  }
  EXPECT_EQ(NormaliseRecoveryCode("abcde-2345"), "");
  EXPECT_EQ(NormaliseRecoveryCode("abcde-2345o"), "");
}

}  // namespace
}  // namespace events::people
