#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "services/registration/store/registration_store.h"

namespace events {
class Clock;
class IdGenerator;
}  // namespace events
namespace events::redis {
class RedisClient;
class LuaScript;
}  // namespace events::redis

namespace events::register_ceiling {

// Makes a new event that takes registrations, as the registration service stores what
// scheduling says of a published event (RegistrationStore::UpsertFacts, the event projection
// the register script reads): organisation org_bench, published, registration open since a
// minute ago until it starts in 30 days, `capacity` places, no registration settings (as an
// event made with eventctl create). Returns its id; the store's error otherwise.
absl::StatusOr<std::string> SeedEvent(registration::RegistrationStore& store, int32_t capacity,
                                      const events::Clock& clock, const events::IdGenerator& ids);

// The registrations an event holds (confirmed, waitlisted and pending approval), from the
// counts the register script keeps (RegistrationStore::Counts).
absl::StatusOr<int64_t> RegistrationsHeld(registration::RegistrationStore& store,
                                          const std::string& event_id);

// Whether Redis already holds `script` (SCRIPT EXISTS; on a cluster, every primary): for
// scripts/bench, which ran the service first, the proof that the script composed here is
// the one the service loaded. 1 yes, 0 no, -1 when Redis would not say.
int ScriptLoaded(events::redis::RedisClient& redis, const events::redis::LuaScript& script);

// Loads `script` on every primary now, so that the first calls are not refused with
// NOSCRIPT (the client would then load it and retry). Best effort: the calls load it anyway.
void PreloadScript(events::redis::RedisClient& redis, const events::redis::LuaScript& script);

}  // namespace events::register_ceiling
