#include "services/accessibility/domain/detail_cipher.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/util/aead.h"

namespace events::accessibility {
namespace {

bool IsHex(absl::string_view s) {
  for (char c : s) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

DetailCipher::DetailCipher(CipherKey current, std::vector<CipherKey> previous)
    : current_(std::move(current)), previous_(std::move(previous)) {}

absl::StatusOr<SealedDetails> DetailCipher::Seal(const events::v1::RequestDetails& details,
                                                 const std::string& request_id) const {
  absl::StatusOr<std::string> sealed =
      events::Seal(current_.key, details.SerializeAsString(), request_id);
  if (!sealed.ok()) return sealed.status();
  return SealedDetails{current_.id, *std::move(sealed)};
}

absl::StatusOr<events::v1::RequestDetails> DetailCipher::Open(const SealedDetails& sealed,
                                                              const std::string& request_id) const {
  const CipherKey* key = sealed.key_id == current_.id ? &current_ : nullptr;
  for (const CipherKey& k : previous_) {
    if (key == nullptr && k.id == sealed.key_id) key = &k;
  }
  if (key == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the details of request ", request_id, " were sealed with key \"", sealed.key_id,
        "\", which this service does not have; add it to "
        "ACCESSIBILITY_PREVIOUS_KEYS"));
  }
  absl::StatusOr<std::string> plain = events::Open(key->key, sealed.ciphertext, request_id);
  if (!plain.ok()) return plain.status();
  events::v1::RequestDetails details;
  if (!details.ParseFromString(*plain)) {
    return absl::DataLossError(
        absl::StrCat("the details of request ", request_id, " decrypt but cannot be read"));
  }
  return details;
}

absl::StatusOr<std::string> DetailCipher::ParseKey(absl::string_view text,
                                                   absl::string_view variable) {
  std::string raw;
  if (text.size() == 64 && IsHex(text)) {
    raw = absl::HexStringToBytes(text);
  } else if (!absl::Base64Unescape(text, &raw) && !absl::WebSafeBase64Unescape(text, &raw)) {
    raw.clear();
  }
  if (raw.size() != 32) {
    return absl::InvalidArgumentError(
        absl::StrCat(variable,
                     " must be 32 random bytes as base64 or 64 hex digits (make one with: "
                     "openssl rand -base64 32)"));
  }
  return raw;
}

bool DetailCipher::IsValidKeyId(absl::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') {
      return false;
    }
  }
  return true;
}

absl::StatusOr<std::vector<CipherKey>> DetailCipher::ParseKeyList(absl::string_view text,
                                                                  absl::string_view variable) {
  std::vector<CipherKey> keys;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    item = absl::StripAsciiWhitespace(item);
    const size_t colon = item.find(':');
    if (colon == absl::string_view::npos || !IsValidKeyId(item.substr(0, colon))) {
      return absl::InvalidArgumentError(absl::StrCat(
          variable, " must be a comma-separated list of KEY_ID:KEY, e.g. k0:<base64>"));
    }
    absl::StatusOr<std::string> key = ParseKey(item.substr(colon + 1), variable);
    if (!key.ok()) return key.status();
    keys.push_back({std::string(item.substr(0, colon)), *std::move(key)});
  }
  return keys;
}

}  // namespace events::accessibility
