#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace events {

// AES-256-GCM (OpenSSL). `key` must be 32 bytes. Seal returns nonce (12 bytes), ciphertext
// and tag (16 bytes) together; every call uses a fresh random nonce. Open returns
// INVALID_ARGUMENT for a wrong length and DATA_LOSS when the tag does not match (wrong key
// or tampered data). Thread-safe.
absl::StatusOr<std::string> Seal(absl::string_view key, absl::string_view plaintext);
absl::StatusOr<std::string> Open(absl::string_view key, absl::string_view sealed);

// As above, with associated data: authenticated but not encrypted or stored. Open fails with
// DATA_LOSS unless given the same associated data, which binds a ciphertext to, say, the id
// of the record it belongs to (a sealed value copied to another record does not open).
// Empty associated data is the same as none.
absl::StatusOr<std::string> Seal(absl::string_view key, absl::string_view plaintext,
                                 absl::string_view associated_data);
absl::StatusOr<std::string> Open(absl::string_view key, absl::string_view sealed,
                                 absl::string_view associated_data);

// The 32 raw bytes of SHA-256(input): a key derived from a high-entropy secret.
std::string Sha256Raw(absl::string_view input);

}  // namespace events
