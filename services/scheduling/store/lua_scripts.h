#pragma once

namespace events::scheduling {

// Applies a batch of event writes atomically (see RedisEventStore::Apply for the layout of
// KEYS and ARGV). Returns {"ok"} or {"conflict", event_key, stored_version} or
// {"series_exists"}.
extern const char* const kApplyScript;

// Fires due delayed jobs of one partition. KEYS: jobs zset, job payload hash, stream.
// ARGV: now_ms, limit, stream maxlen. Returns the number fired. Both scripts run after
// redis::kLuaJobs (common/redis/lua/jobs.lua), the apply script also after bus::kLuaXaddEvent.
extern const char* const kFireJobsScript;

}  // namespace events::scheduling
