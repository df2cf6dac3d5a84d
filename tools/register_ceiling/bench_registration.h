#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "services/registration/store/registration_store.h"

namespace events {
class IdGenerator;
}

namespace events::register_ceiling {

// What every registration of one run shares.
struct BenchAttendees {
  std::string event_id;
  // The e-mails are "<email_prefix>-<n>@bench.example.org": give each run its own prefix.
  std::string email_prefix;
  // The settings version the store holds for the event (RegistrationStore::GetSettings).
  int64_t settings_version = 0;
  // The personal link tokens are derived from it, as the service derives them from
  // REGISTRATION_LINK_SECRET; nobody uses them, so any secret will do.
  std::string link_secret;
};

// The registration of attendee `n`, as Registrar::Prepare (services/registration/domain/
// registrar.cc) makes it from a RegisterRequest with only a name and an e-mail, the way
// loadgen's Register calls ask: a new id in the event's partition, the general pool, one
// place, the personal link token derived and only its SHA-256 kept, no idempotency key, a
// deadline `deadline_ms` after `now_ms` (loadgen's default per-call deadline is 10 s), and
// the rate limits off (scripts/bench runs the service with REGISTRATION_RATE_PER_*=0). The
// register script's record is then made by the store itself (RedisRegistrationStore::
// Register), so there is no second record format here. Thread-safe.
registration::NewRegistration BenchRegistration(const BenchAttendees& run, int64_t n,
                                                int64_t now_ms, int64_t deadline_ms,
                                                const events::IdGenerator& ids);

}  // namespace events::register_ceiling
