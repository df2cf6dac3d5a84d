#pragma once

#include "common/redis/redis_client.h"

namespace events::bus::internal {

// The two scripts of Consumer::Poll. Each touches one partition's keys, so a poll sends one
// call per partition it visits, all of them in one pipeline (RedisClient::EvalMany), which a
// cluster client splits into one round trip per node.

// What one partition has for a group, read-only:
//   KEYS: stream
//   ARGV: group, min idle ms, limit
//   Returns {group exists (1/0), new entries, entries idle past min idle}, both counts at
//   most limit. Without the group, "new" is every entry (the group is made from "0").
const events::redis::LuaScript& ProbeScript();

// Claims stuck entries, dead-letters those delivered too often, then reads new ones, in one
// script: the copy to the dead-letter stream and its XACK happen together or not at all, so
// an entry is never lost between them nor dead-lettered twice by two consumers. Creates the
// group (from "0") if it vanished.
//   KEYS: stream, dead-letter stream
//   ARGV: group, consumer, min idle ms, claim cursor, limit, max deliveries
//   Returns {next claim cursor, {{id, delivery count, {field, value, ...}}, ...} claimed,
//            dead-lettered count, {{id, {field, value, ...}}, ...} new}; claimed and new
//   together at most limit.
const events::redis::LuaScript& PollScript();

}  // namespace events::bus::internal
