#include "services/integrations/webhooks/secret_box.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/util/aead.h"
#include "common/util/ids.h"

namespace events::integrations {

SecretBox::SecretBox(std::string key)
    : key_(std::move(key)), key_id_(absl::StrCat("k", Sha256Hex(key_).substr(0, 8))) {}

absl::StatusOr<SecretBox> SecretBox::FromBase64(absl::string_view base64) {
  std::string key;
  if (!absl::Base64Unescape(base64, &key) || key.size() != 32) {
    return absl::InvalidArgumentError(
        "INTEGRATIONS_ENCRYPTION_KEY must be the base64 of 32 random bytes, e.g. from "
        "`openssl rand -base64 32`");
  }
  return SecretBox(std::move(key));
}

absl::StatusOr<std::string> SecretBox::Seal(absl::string_view secret,
                                            absl::string_view webhook_id) const {
  return events::Seal(key_, secret, webhook_id);
}

absl::StatusOr<std::string> SecretBox::Open(absl::string_view sealed, absl::string_view key_id,
                                            absl::string_view webhook_id) const {
  if (key_id != key_id_) {
    return absl::FailedPreconditionError(
        absl::StrCat("the webhook secret is sealed under key ", key_id, ", not the configured ",
                     key_id_, ": set INTEGRATIONS_ENCRYPTION_KEY to the key it was made with"));
  }
  return events::Open(key_, sealed, webhook_id);
}

}  // namespace events::integrations
