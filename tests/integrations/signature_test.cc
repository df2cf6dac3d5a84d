#include "services/integrations/webhooks/signature.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace events::integrations {
namespace {

// The example of the Standard Webhooks specification; the signature was also computed
// independently with Python's hmac module.
constexpr char kSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr char kId[] = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr int64_t kTimestamp = 1614265330;
constexpr char kBody[] = R"({"test": 2432232314})";
constexpr char kSignature[] = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

TEST(WebhookSignatureTest, MatchesTheSpecificationsExample) {
  absl::StatusOr<std::string> signature = SignWebhook(kSecret, kId, kTimestamp, kBody);
  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_EQ(*signature, kSignature);
  EXPECT_TRUE(VerifyWebhook(kSecret, kId, kTimestamp, kBody, kSignature));
}

TEST(WebhookSignatureTest, AnyChangeBreaksIt) {
  EXPECT_FALSE(VerifyWebhook(kSecret, kId, kTimestamp, R"({"test": 2432232315})", kSignature));
  EXPECT_FALSE(VerifyWebhook(kSecret, "msg_other", kTimestamp, kBody, kSignature));
  EXPECT_FALSE(VerifyWebhook(kSecret, kId, kTimestamp + 1, kBody, kSignature));
  EXPECT_FALSE(VerifyWebhook(NewWebhookSecret(), kId, kTimestamp, kBody, kSignature));
  EXPECT_FALSE(VerifyWebhook(kSecret, kId, kTimestamp, kBody, ""));
  EXPECT_FALSE(VerifyWebhook(kSecret, kId, kTimestamp, kBody, "v1,"));
  EXPECT_FALSE(VerifyWebhook("not a secret", kId, kTimestamp, kBody, kSignature));
}

TEST(WebhookSignatureTest, OneOfSeveralSignaturesIsEnoughWhileASecretRotates) {
  const std::string other = *SignWebhook(NewWebhookSecret(), kId, kTimestamp, kBody);
  EXPECT_TRUE(VerifyWebhook(kSecret, kId, kTimestamp, kBody, absl::StrCat(other, " ", kSignature)));
  EXPECT_TRUE(VerifyWebhook(kSecret, kId, kTimestamp, kBody, absl::StrCat(kSignature, " ", other)));
  EXPECT_FALSE(VerifyWebhook(kSecret, kId, kTimestamp, kBody, other));
}

TEST(WebhookSignatureTest, NewSecretsAreWellFormedAndDifferent) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const std::string secret = NewWebhookSecret();
    EXPECT_TRUE(absl::StartsWith(secret, "whsec_")) << secret;
    absl::StatusOr<std::string> key = WebhookSecretKey(secret);
    ASSERT_TRUE(key.ok()) << key.status();
    EXPECT_EQ(key->size(), 32u);
    seen.insert(secret);
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST(WebhookSignatureTest, BadSecretsAreRefusedSayingWhatASecretIs) {
  for (const char* bad :
       {"", "whsec_", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_not base64!", "whsec_c2hvcnQ="}) {
    absl::StatusOr<std::string> key = WebhookSecretKey(bad);
    EXPECT_EQ(key.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(absl::StrContains(key.status().message(), "whsec_")) << key.status();
  }
}

}  // namespace
}  // namespace events::integrations
