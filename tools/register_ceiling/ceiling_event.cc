#include "tools/register_ceiling/ceiling_event.h"

#include <vector>

#include "common/redis/redis_client.h"
#include "common/util/clock.h"
#include "common/util/ids.h"

namespace events::register_ceiling {

absl::StatusOr<std::string> SeedEvent(registration::RegistrationStore& store, int32_t capacity,
                                      const events::Clock& clock, const events::IdGenerator& ids) {
  constexpr int64_t kMinute = int64_t{60} * 1000;
  constexpr int64_t kDay = int64_t{24} * 60 * kMinute;
  const int64_t now = clock.NowUnixMs();
  registration::EventFacts facts;
  facts.event_id = ids.New("ev");
  facts.org_id = "org_bench";
  facts.status = events::v1::EVENT_STATUS_PUBLISHED;
  facts.version = 1;
  facts.registration_opens_unix_ms = now - kMinute;
  facts.start_unix_ms = now + 30 * kDay;
  facts.registration_closes_unix_ms = facts.start_unix_ms;
  facts.end_unix_ms = facts.start_unix_ms + 60 * kMinute;
  facts.capacity = capacity;
  facts.time_zone = "Europe/London";
  if (absl::Status s = store.UpsertFacts(facts); !s.ok()) return s;
  return facts.event_id;
}

absl::StatusOr<int64_t> RegistrationsHeld(registration::RegistrationStore& store,
                                          const std::string& event_id) {
  absl::StatusOr<registration::EventCounts> counts = store.Counts(event_id, {});
  if (!counts.ok()) return counts.status();
  return counts->confirmed + counts->waitlisted + counts->pending;
}

int ScriptLoaded(events::redis::RedisClient& redis, const events::redis::LuaScript& script) {
  absl::StatusOr<std::vector<events::redis::ReplyPtr>> replies =
      redis.CommandOnEveryPrimary({"SCRIPT", "EXISTS", script.sha1()});
  if (!replies.ok() || replies->empty()) return -1;
  for (const events::redis::ReplyPtr& reply : *replies) {
    if (events::redis::IsError(*reply) || events::redis::ArraySize(*reply) != 1) return -1;
    if (events::redis::AsInt(events::redis::ArrayAt(*reply, 0)) != 1) return 0;
  }
  return 1;
}

void PreloadScript(events::redis::RedisClient& redis, const events::redis::LuaScript& script) {
  (void)redis.CommandOnEveryPrimary({"SCRIPT", "LOAD", script.source()});
}

}  // namespace events::register_ceiling
