#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace events {

class Clock;

// Makes ids such as "ev_01JDQ3V4N7X8K2M9P0R5T6W8Y1": a prefix, then 26 characters of
// Crockford base32 (48 bits of milliseconds, 80 random bits), so ids sort by creation time
// and never collide in practice across replicas. Thread-safe.
class IdGenerator {
 public:
  explicit IdGenerator(const Clock& clock) : clock_(clock) {}
  std::string New(absl::string_view prefix) const;

 private:
  const Clock& clock_;
};

// Random bytes from the operating system's CSPRNG (OpenSSL RAND_bytes), as base64url with no
// padding. For secrets: API keys, registration tokens, webhook secrets.
std::string RandomToken(int bytes);

// Lower-case hex SHA-256 of the input. Secrets are stored only as these hashes: the secrets
// are long random strings, so a fast hash is enough (there is nothing to brute-force).
std::string Sha256Hex(absl::string_view input);

// True when id is prefix + "_" + 26 Crockford base32 characters, optionally followed by
// "-" and 1 to 4 digits (a series occurrence). Used to validate ids from requests.
bool IsWellFormedId(absl::string_view id, absl::string_view prefix);

// OK for a well-formed event id; otherwise INVALID_ARGUMENT naming the field "event_id".
absl::Status ValidateEventId(absl::string_view event_id);

}  // namespace events
