#include "services/registration/rules/link_token.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace events::registration {

namespace {

// Names what the MAC is for, so the secret's MACs can never be mistaken for another use's;
// "v1" leaves room for a different derivation later.
constexpr absl::string_view kLinkContext = "events.registration-link.v1";

}  // namespace

std::string DeriveLinkToken(absl::string_view secret, absl::string_view registration_id,
                            absl::string_view nonce) {
  // NUL separators: neither an id nor a nonce holds one, so no two (id, nonce) pairs give
  // the same message.
  const std::string message = absl::StrCat(kLinkContext, absl::string_view("\0", 1),
                                           registration_id, absl::string_view("\0", 1), nonce);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &mac_len);
  return absl::StrCat(registration_id, ".",
                      absl::WebSafeBase64Escape(absl::string_view(
                          reinterpret_cast<const char*>(mac), static_cast<size_t>(mac_len))));
}

absl::Status CheckLinkSecret(absl::string_view secret) {
  if (secret.size() >= kMinLinkSecretLength) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "REGISTRATION_LINK_SECRET must be at least ", kMinLinkSecretLength, " characters (it has ",
      secret.size(),
      "); make one with `openssl rand -base64 32` and keep it: changing it changes every "
      "personal link"));
}

absl::Status CheckRotationId(absl::string_view rotation_id) {
  bool printable = true;
  for (char c : rotation_id) {
    if (c < 0x20 || c > 0x7e) printable = false;
  }
  if (printable && rotation_id.size() <= kMaxRotationIdLength) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("rotation_id must be at most ", kMaxRotationIdLength,
                   " printable ASCII characters (space to ~), e.g. the id of the "
                   "registration.link_requested event; it has ",
                   rotation_id.size(), printable ? "" : " and characters outside that range"));
}

}  // namespace events::registration
