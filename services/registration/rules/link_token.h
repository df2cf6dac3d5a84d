#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace events::registration {

// The shortest REGISTRATION_LINK_SECRET accepted: 32 characters, as `openssl rand -base64 32`
// gives 44.
inline constexpr size_t kMinLinkSecretLength = 32;
// The longest rotation id: a registration.link_requested event id is about 70 characters.
inline constexpr size_t kMaxRotationIdLength = 128;

// A registration's personal link token, derived rather than stored (docs/registration.md,
// "Personal links"): "<registration id>.<base64url without padding of HMAC-SHA256(secret,
// "events.registration-link.v1" 0x00 <registration id> 0x00 <nonce>)>". The nonce is ""
// for a new registration; a rotation picks a new one. Redis keeps only the token's SHA-256
// and the nonce, so whoever reads Redis cannot make a working link without the secret.
// Pure and thread-safe.
std::string DeriveLinkToken(absl::string_view secret, absl::string_view registration_id,
                            absl::string_view nonce);

// OK for a usable REGISTRATION_LINK_SECRET; otherwise INVALID_ARGUMENT naming the variable
// and the rule (at least kMinLinkSecretLength characters).
absl::Status CheckLinkSecret(absl::string_view secret);

// OK for a rotation id IssueRegistrationLink accepts: "" (no rotation) or up to
// kMaxRotationIdLength printable ASCII characters (0x20 to 0x7E); otherwise
// INVALID_ARGUMENT naming rotation_id and the rule.
absl::Status CheckRotationId(absl::string_view rotation_id);

}  // namespace events::registration
