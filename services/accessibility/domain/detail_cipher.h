#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "events/v1/accessibility.pb.h"

namespace events::accessibility {

struct CipherKey {
  std::string id;   // stored beside each ciphertext, e.g. "k1"
  std::string key;  // 32 raw bytes
};

// A request's details as stored: the id of the key that sealed them and the AES-256-GCM
// output (nonce, ciphertext, tag).
struct SealedDetails {
  std::string key_id;
  std::string ciphertext;
};

// Encrypts request details at rest (AES-256-GCM via common/util/aead.h), bound to the
// request id as associated data, so a ciphertext moved to another request does not open.
// New details are sealed with the current key; details sealed with a previous key still
// open while that key is listed (rotation: docs/accessibility.md). Immutable; thread-safe.
class DetailCipher {
 public:
  explicit DetailCipher(CipherKey current, std::vector<CipherKey> previous = {});

  absl::StatusOr<SealedDetails> Seal(const events::v1::RequestDetails& details,
                                     const std::string& request_id) const;
  // FAILED_PRECONDITION when the key id is not known (a previous key was dropped too soon);
  // DATA_LOSS when the ciphertext does not match (tampered, or moved to another request).
  absl::StatusOr<events::v1::RequestDetails> Open(const SealedDetails& sealed,
                                                  const std::string& request_id) const;
  const std::string& current_key_id() const { return current_.id; }

  // 32 bytes given as base64 (standard or url-safe, padding optional) or 64 hex digits.
  // INVALID_ARGUMENT naming `variable` and saying how to make one otherwise.
  static absl::StatusOr<std::string> ParseKey(absl::string_view text, absl::string_view variable);
  // "id:key,id:key" (keys as ParseKey); "" is none.
  static absl::StatusOr<std::vector<CipherKey>> ParseKeyList(absl::string_view text,
                                                             absl::string_view variable);
  // A key id: 1 to 32 of [A-Za-z0-9_.-].
  static bool IsValidKeyId(absl::string_view id);

 private:
  const CipherKey current_;
  const std::vector<CipherKey> previous_;
};

}  // namespace events::accessibility
