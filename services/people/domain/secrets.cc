#include "services/people/domain/secrets.h"

#include <oath.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/auth/api_key.h"
#include "common/util/ids.h"

namespace events::people {
namespace {

constexpr absl::string_view kLinkContext("events.sign-in-link.v1\0", 23);
constexpr absl::string_view kRecoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";

std::string LinkMac(absl::string_view secret, absl::string_view link_id) {
  const std::string message = absl::StrCat(kLinkContext, link_id);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &mac_len);
  return absl::WebSafeBase64Escape(absl::string_view(reinterpret_cast<const char*>(mac), mac_len));
}

// liboath keeps no state worth freeing; initialise it once for the process.
void EnsureOath() {
  static const int kInit = oath_init();
  (void)kInit;
}

std::string RandomBytes(int n) {
  std::string out(static_cast<size_t>(n), '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), n) != 1) std::abort();
  return out;
}

}  // namespace

std::string LinkToken(absl::string_view link_secret, absl::string_view link_id) {
  return absl::StrCat(link_id, ".", LinkMac(link_secret, link_id));
}

absl::StatusOr<std::string> LinkIdOf(absl::string_view link_secret, absl::string_view token) {
  const size_t dot = token.find('.');
  absl::string_view link_id = token.substr(0, dot);
  if (dot == absl::string_view::npos || token.size() > 200 || !IsWellFormedId(link_id, "sil")) {
    return absl::InvalidArgumentError(
        "link_token is not a sign-in link (\"<link id>.<43 characters>\"): copy the whole link "
        "from the e-mail");
  }
  const std::string expected = LinkMac(link_secret, link_id);
  absl::string_view given = token.substr(dot + 1);
  if (given.size() != expected.size() ||
      CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0) {
    return absl::InvalidArgumentError(
        "link_token is not a sign-in link this service made: copy the whole link from the "
        "e-mail");
  }
  return std::string(link_id);
}

std::string NewSessionToken() { return absl::StrCat(auth::kSessionPrefix, RandomToken(32)); }

std::string NewTotpKey() { return RandomBytes(20); }

std::string Base32(absl::string_view key) {
  EnsureOath();
  char* out = nullptr;
  size_t out_len = 0;
  if (oath_base32_encode(key.data(), key.size(), &out, &out_len) != OATH_OK) std::abort();
  std::string encoded(out, out_len);
  free(out);  // NOLINT(cppcoreguidelines-no-malloc): liboath allocates with malloc
  while (!encoded.empty() && encoded.back() == '=') encoded.pop_back();
  return encoded;
}

std::string Base32Grouped(absl::string_view key) {
  const std::string plain = Base32(key);
  std::string out;
  for (size_t i = 0; i < plain.size(); ++i) {
    if (i > 0 && i % 4 == 0) out.push_back(' ');
    out.push_back(plain[i]);
  }
  return out;
}

std::string OtpauthUri(absl::string_view key, absl::string_view issuer, absl::string_view account) {
  auto escape = [](absl::string_view s) {
    std::string out;
    for (unsigned char c : s) {
      if (absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
        out.push_back(static_cast<char>(c));
      } else {
        absl::StrAppend(
            &out, "%",
            absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(&c), 1)));
      }
    }
    return out;
  };
  return absl::StrCat("otpauth://totp/", escape(issuer), ":", escape(account),
                      "?secret=", Base32(key), "&issuer=", escape(issuer),
                      "&algorithm=SHA1&digits=6&period=", kTotpStepSeconds);
}

std::string TotpCode(absl::string_view key, int64_t step) {
  EnsureOath();
  char code[7] = {};
  const time_t at = static_cast<time_t>(step * kTotpStepSeconds);
  if (oath_totp_generate2(key.data(), key.size(), at, kTotpStepSeconds, 0, 6, 0, code) != OATH_OK) {
    return "";
  }
  return std::string(code, 6);
}

bool LooksLikeTotpCode(absl::string_view code) {
  int digits = 0;
  for (char c : code) {
    if (c == ' ') continue;
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    ++digits;
  }
  return digits == 6;
}

std::optional<int64_t> MatchTotp(absl::string_view key, absl::string_view code, int64_t now_ms) {
  if (!LooksLikeTotpCode(code)) return std::nullopt;
  std::string digits;
  for (char c : code) {
    if (c != ' ') digits.push_back(c);
  }
  const int64_t now_step = now_ms / 1000 / kTotpStepSeconds;
  std::optional<int64_t> matched;
  // Every candidate is computed and compared, so the time taken says nothing of which one.
  for (int64_t step = now_step - 1; step <= now_step + 1; ++step) {
    const std::string expected = TotpCode(key, step);
    if (expected.size() == digits.size() &&
        CRYPTO_memcmp(expected.data(), digits.data(), digits.size()) == 0) {
      matched = step;
    }
  }
  return matched;
}

std::vector<std::string> NewRecoveryCodes() {
  std::vector<std::string> codes;
  while (codes.size() < 10) {
    std::string code;
    while (code.size() < 11) {
      if (code.size() == 5) {
        code.push_back('-');
        continue;
      }
      // Rejection sampling keeps every character equally likely.
      const unsigned char byte = static_cast<unsigned char>(RandomBytes(1)[0]);
      if (byte >= 248) continue;
      code.push_back(kRecoveryAlphabet[byte % kRecoveryAlphabet.size()]);
    }
    codes.push_back(std::move(code));
  }
  return codes;
}

std::string NormaliseRecoveryCode(absl::string_view typed) {
  std::string out;
  for (char c : typed) {
    if (c == ' ' || c == '-') continue;
    const char lower = absl::ascii_tolower(static_cast<unsigned char>(c));
    if (kRecoveryAlphabet.find(lower) == absl::string_view::npos) return "";
    out.push_back(lower);
  }
  return out.size() == 10 ? out : "";
}

}  // namespace events::people
