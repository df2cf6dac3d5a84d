#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/bus/keyspace.h"
#include "common/redis/redis_client.h"

namespace events::people {

// What MoveLegacyKeys did.
struct LegacyMove {
  // Keys moved to their new names.
  int64_t moved = 0;
  // Keys left under their old names because their new name exists already (written by an
  // older replica during the upgrade, after the key had been moved): never overwritten, and
  // counted again at every start until someone deletes them (docs/people.md, "Keys").
  int64_t left = 0;
};

// The name in the one-slot layout (common/auth/people_keys.h) of a key named as before
// issue 19: "<prefix>people:<rest>" -> "<prefix>{p0}:people:<rest>" and
// "<prefix>auth:session:<sha256>" -> "<prefix>{p0}:people:session:<sha256>"; "" for any
// other key. Pure; thread-safe.
std::string NewNameOf(const bus::Keyspace& keys, absl::string_view old_key);

// Moves every key of people and every session still under its name of before issue 19 (on a
// single Redis: a cluster never held them) to its new name, with RENAMENX, which keeps the
// value and the time to live and never overwrites. A member moves in one MULTI with its app,
// its sessions set and its sessions, so a session read (of this version or the one before)
// never sees a session without its member; everything else moves key by key. Idempotent, and
// safe with several replicas starting at once: a key another replica moved first is simply
// gone. Run by people_server before it serves. UNAVAILABLE when Redis cannot be reached,
// INTERNAL for a refused command (e.g. an ACL user without SCAN or RENAMENX); keys moved
// before the failure stay moved, and the next start moves the rest. Thread-safe.
absl::StatusOr<LegacyMove> MoveLegacyKeys(redis::RedisClient& redis, const bus::Keyspace& keys);

}  // namespace events::people
