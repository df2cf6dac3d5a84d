#pragma once

// The secrets of signing in (docs/people.md, "Secrets"): link tokens, session tokens, TOTP
// codes and recovery codes. Pure (apart from the operating system's randomness) and
// thread-safe.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace events::people {

// "<link_id>.<base64url(HMAC-SHA256(secret, "events.sign-in-link.v1" \0 link_id))>". The token
// is never stored: it is made again from the link id whenever it is needed.
std::string LinkToken(absl::string_view link_secret, absl::string_view link_id);
// The link id of a token whose HMAC is right (compared in constant time).
// INVALID_ARGUMENT naming link_token when it is not a link this service made.
absl::StatusOr<std::string> LinkIdOf(absl::string_view link_secret, absl::string_view token);

// "evs_" and 43 base64url characters (32 random bytes).
std::string NewSessionToken();

// RFC 6238 (SHA-1, 6 digits, 30-second steps) over liboath.
inline constexpr int kTotpStepSeconds = 30;
// 20 random bytes: the key an authenticator app holds.
std::string NewTotpKey();
// The key in base32 (RFC 4648, no padding), upper case.
std::string Base32(absl::string_view key);
// The same in groups of four, for typing.
std::string Base32Grouped(absl::string_view key);
// otpauth://totp/<issuer>:<account>?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30
std::string OtpauthUri(absl::string_view key, absl::string_view issuer, absl::string_view account);
// The code of `key` at time step `step` (Unix seconds / 30).
std::string TotpCode(absl::string_view key, int64_t step);
// The time step (of now - 1, now, now + 1) whose code `code` is, if any; `code` may hold
// spaces. The caller refuses a step already used.
std::optional<int64_t> MatchTotp(absl::string_view key, absl::string_view code, int64_t now_ms);
// Six digits once spaces are removed.
bool LooksLikeTotpCode(absl::string_view code);

// 10 recovery codes "xxxxx-xxxxx" from lower-case letters and digits that cannot be taken
// for one another (no 0, 1, i, l, o).
std::vector<std::string> NewRecoveryCodes();
// The compared form of a typed recovery code (lower case, spaces and dashes dropped), or ""
// when it cannot be one (not 10 characters of the alphabet).
std::string NormaliseRecoveryCode(absl::string_view typed);

}  // namespace events::people
