#pragma once

namespace events::redis {

// Lua shared by the services' scripts, embedded from common/redis/lua/*.lua by
// cmake/EmbedLua.cmake (library events_redis_lua). A store pastes what it needs in front of
// each script, before its own Lua:
//   kLuaProtobuf: pb_varint, pb_str, pb_int (protobuf wire format) and
//                 emit_event(stream, maxlen, id, type, source, time, subject, org, data_type,
//                 data), the XADD of one domain event to the partition stream.
extern const char* const kLuaProtobuf;
//   kLuaJobs:     the delayed jobs (one format, "<kind>:<subject>" by due ms, in a partition's
//                 sorted set): schedule_job, cancel_job, and fire_due_jobs(jobs, now, limit,
//                 handlers, legacy), which runs each due job's handler and removes it in the
//                 same script. Every fire script is this and its handlers.
extern const char* const kLuaJobs;
//   kLuaKeys:     declared_base(), the "<prefix>{<tag>}:" every KEYS entry of the call shares
//                 (fails a call without KEYS or with keys of two slots): the one base a
//                 script names any other key under (common/redis/README.md, "Scripts").
extern const char* const kLuaKeys;

}  // namespace events::redis
