#include "common/util/ids.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/util/clock.h"
#include "common/util/text_rules.h"

namespace events {
namespace {

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

void FillRandom(unsigned char* out, int n) {
  if (RAND_bytes(out, n) != 1) {
    // Without randomness no id or secret is safe; there is no sensible way to go on.
    std::abort();
  }
}

}  // namespace

std::string IdGenerator::New(absl::string_view prefix) const {
  std::array<unsigned char, 10> random{};
  FillRandom(random.data(), static_cast<int>(random.size()));
  const uint64_t ms = static_cast<uint64_t>(clock_.NowUnixMs()) & ((uint64_t{1} << 48) - 1);
  std::string out(prefix);
  out.push_back('_');
  // 10 characters of time (50 bits, the top 2 are zero), 16 of randomness (80 bits).
  for (int i = 9; i >= 0; --i) out.push_back(kCrockford[(ms >> (i * 5)) & 31]);
  uint64_t hi = 0, lo = 0;
  for (int i = 0; i < 5; ++i) hi = (hi << 8) | random[i];
  for (int i = 5; i < 10; ++i) lo = (lo << 8) | random[i];
  for (int i = 7; i >= 0; --i) out.push_back(kCrockford[(hi >> (i * 5)) & 31]);
  for (int i = 7; i >= 0; --i) out.push_back(kCrockford[(lo >> (i * 5)) & 31]);
  return out;
}

std::string RandomToken(int bytes) {
  std::string raw(static_cast<size_t>(bytes), '\0');
  FillRandom(reinterpret_cast<unsigned char*>(raw.data()), bytes);
  return absl::WebSafeBase64Escape(raw);
}

std::string Sha256Hex(absl::string_view input) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest.data());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (unsigned char c : digest) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

bool IsWellFormedId(absl::string_view id, absl::string_view prefix) {
  if (id.size() < prefix.size() + 27 || id.substr(0, prefix.size()) != prefix ||
      id[prefix.size()] != '_') {
    return false;
  }
  absl::string_view core = id.substr(prefix.size() + 1, 26);
  for (char c : core) {
    if (absl::string_view(kCrockford).find(c) == absl::string_view::npos) return false;
  }
  absl::string_view rest = id.substr(prefix.size() + 27);
  if (rest.empty()) return true;
  if (rest[0] != '-' || rest.size() < 2 || rest.size() > 5) return false;
  for (char c : rest.substr(1)) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

absl::Status ValidateEventId(absl::string_view event_id) {
  if (IsWellFormedId(event_id, "ev")) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("event_id ", QuoteForMessage(event_id),
                                                 " is not an event id (they look like ev_01J...)"));
}

}  // namespace events
