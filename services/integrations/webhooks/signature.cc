#include "services/integrations/webhooks/signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace events::integrations {

namespace {

constexpr absl::string_view kSecretPrefix = "whsec_";
constexpr absl::string_view kVersion = "v1,";

std::string Hmac(absl::string_view key, absl::string_view message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

}  // namespace

std::string NewWebhookSecret() {
  unsigned char key[32];
  if (RAND_bytes(key, sizeof(key)) != 1) abort();  // no randomness: nothing safe to do
  return absl::StrCat(kSecretPrefix,
                      absl::Base64Escape(absl::string_view(reinterpret_cast<char*>(key), 32)));
}

absl::StatusOr<std::string> WebhookSecretKey(absl::string_view secret) {
  std::string key;
  if (!absl::StartsWith(secret, kSecretPrefix) ||
      !absl::Base64Unescape(secret.substr(kSecretPrefix.size()), &key) || key.size() < 16 ||
      key.size() > 64) {
    return absl::InvalidArgumentError(
        "secret must be \"whsec_\" followed by base64 of 16 to 64 bytes");
  }
  return key;
}

absl::StatusOr<std::string> SignWebhook(absl::string_view secret, absl::string_view id,
                                        int64_t timestamp_seconds, absl::string_view body) {
  absl::StatusOr<std::string> key = WebhookSecretKey(secret);
  if (!key.ok()) return key.status();
  const std::string message = absl::StrCat(id, ".", timestamp_seconds, ".", body);
  return absl::StrCat(kVersion, absl::Base64Escape(Hmac(*key, message)));
}

bool VerifyWebhook(absl::string_view secret, absl::string_view id, int64_t timestamp_seconds,
                   absl::string_view body, absl::string_view header) {
  absl::StatusOr<std::string> expected = SignWebhook(secret, id, timestamp_seconds, body);
  if (!expected.ok()) return false;
  bool match = false;
  for (absl::string_view candidate : absl::StrSplit(header, ' ', absl::SkipEmpty())) {
    if (candidate.size() == expected->size() &&
        CRYPTO_memcmp(candidate.data(), expected->data(), candidate.size()) == 0) {
      match = true;  // keep going: the time taken does not depend on which one matched
    }
  }
  return match;
}

}  // namespace events::integrations
