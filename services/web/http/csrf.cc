#include "services/web/http/csrf.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace events::web {
namespace {

constexpr size_t kSecretBytes = 32;

bool IsSecret(absl::string_view s) {
  if (s.size() != 43) return false;  // 32 bytes, unpadded base64url
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

}  // namespace

std::string RandomToken(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    throw std::runtime_error("the system's random number generator failed");
  }
  return absl::WebSafeBase64Escape(raw);
}

Csrf::Csrf(std::string key, bool secure_cookies)
    : key_(std::move(key)),
      secure_(secure_cookies),
      cookie_name_(secure_cookies ? "__Host-csrf" : "csrf") {}

std::string Csrf::TokenFor(absl::string_view secret) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), mac, &size);
  return absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(mac), static_cast<size_t>(size)));
}

Csrf::Issued Csrf::ForPage(const Request& request) const {
  const std::string secret = request.Cookie(cookie_name_);
  if (IsSecret(secret)) return {TokenFor(secret), ""};
  const std::string fresh = RandomToken(kSecretBytes);
  return {TokenFor(fresh),
          absl::StrCat(cookie_name_, "=", fresh, "; Path=/; HttpOnly; SameSite=Strict",
                       secure_ ? "; Secure" : "")};
}

bool Csrf::Valid(const Request& request, absl::string_view form_token) const {
  const std::string secret = request.Cookie(cookie_name_);
  if (!IsSecret(secret)) return false;
  const std::string expected = TokenFor(secret);
  return form_token.size() == expected.size() &&
         CRYPTO_memcmp(form_token.data(), expected.data(), expected.size()) == 0;
}

}  // namespace events::web
