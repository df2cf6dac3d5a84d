#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace events::integrations {

// Endpoint secrets at rest: AES-256-GCM under INTEGRATIONS_ENCRYPTION_KEY, bound to the
// webhook id (associated data), with the key's id stored beside each secret so a key can be
// rotated later. Immutable; thread-safe.
class SecretBox {
 public:
  // `key` is 32 raw bytes (checked at start-up by FromBase64).
  explicit SecretBox(std::string key);
  // From the base64 of 32 bytes; INVALID_ARGUMENT saying what to set otherwise.
  static absl::StatusOr<SecretBox> FromBase64(absl::string_view base64);

  // "k" + the first 8 hex characters of SHA-256(key): names the key, reveals nothing.
  const std::string& key_id() const { return key_id_; }
  absl::StatusOr<std::string> Seal(absl::string_view secret, absl::string_view webhook_id) const;
  // FAILED_PRECONDITION when sealed under another key; DATA_LOSS when tampered with.
  absl::StatusOr<std::string> Open(absl::string_view sealed, absl::string_view key_id,
                                   absl::string_view webhook_id) const;

 private:
  std::string key_;
  std::string key_id_;
};

}  // namespace events::integrations
