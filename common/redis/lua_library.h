#pragma once

namespace events::redis {

// Lua shared by the services' scripts, embedded from common/redis/lua/*.lua by
// cmake/EmbedLua.cmake (library events_redis_lua). A store pastes it in front of each
// script, before its own common.lua:
//   kLuaProtobuf: pb_varint, pb_str, pb_int (protobuf wire format) and
//                 emit_event(stream, maxlen, id, type, source, time, subject, org, data_type,
//                 data), the XADD of one domain event to the partition stream.
extern const char* const kLuaProtobuf;

}  // namespace events::redis
