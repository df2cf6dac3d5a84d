// The Lua of Consumer::Poll (consumer_scripts.h says what each takes and returns).

#include "common/bus/consumer_scripts.h"

namespace events::bus::internal {

const events::redis::LuaScript& ProbeScript() {
  // no-writes: it may run on a replica, and while Redis is out of memory.
  static const events::redis::LuaScript script("bus_probe", R"lua(#!lua flags=no-writes
local stream, group, limit = KEYS[1], ARGV[1], tonumber(ARGV[3])
local groups = redis.pcall('XINFO', 'GROUPS', stream)
if groups.err then
  if string.find(groups.err, 'no such key', 1, true) then return {0, 0, 0} end
  return groups
end
local mine
for _, info in ipairs(groups) do
  local fields = {}
  for i = 1, #info, 2 do fields[info[i]] = info[i + 1] end
  if fields['name'] == group then mine = fields break end
end
if not mine then
  -- The poll script makes the group from "0": everything in the stream is new to it.
  return {0, math.min(redis.call('XLEN', stream), limit), 0}
end
local new = mine['lag']
if type(new) ~= 'number' then
  -- Redis cannot tell (entries deleted after the group's position): count them, which
  -- costs reading them, but only while some are waiting.
  new = #redis.call('XRANGE', stream, '(' .. mine['last-delivered-id'], '+', 'COUNT', limit)
end
-- Scans the pending list until `limit` idle entries are found: short, unless a backlog is
-- being worked through (then it is as long as what is in progress).
local idle = #redis.call('XPENDING', stream, group, 'IDLE', ARGV[2], '-', '+', limit)
return {1, math.min(new, limit), idle}
)lua");
  return script;
}

const events::redis::LuaScript& PollScript() {
  static const events::redis::LuaScript script("bus_poll", R"lua(#!lua
local stream, dead = KEYS[1], KEYS[2]
local group, consumer = ARGV[1], ARGV[2]
local limit = tonumber(ARGV[5])
local max_deliveries = tonumber(ARGV[6])
local claimed = redis.pcall('XAUTOCLAIM', stream, group, consumer, ARGV[3], ARGV[4],
                            'COUNT', limit)
if type(claimed) == 'table' and claimed.err then
  if not string.find(claimed.err, 'NOGROUP', 1, true) then return claimed end
  -- The stream or group vanished (FLUSHDB, a fresh Redis): make it again from the start.
  redis.call('XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM')
  claimed = {'0-0', {}, {}}
end
local live, dead_count = {}, 0
for _, entry in ipairs(claimed[2]) do
  local id, fields = entry[1], entry[2]
  if type(fields) ~= 'table' then
    -- Trimmed from the stream before anyone acked it (Redis 6.2 returns it with nil
    -- fields): there is nothing left to deliver.
    redis.call('XACK', stream, group, id)
  else
    -- XAUTOCLAIM has just counted this claim as a delivery.
    local pending = redis.call('XPENDING', stream, group, id, id, 1)
    local count = 1
    if pending[1] then count = pending[1][4] end
    if count > max_deliveries then
      local copy = {}
      for i = 1, #fields do copy[i] = fields[i] end
      local extra = {'dead_reason', 'not acked after ' .. (count - 1) ..
                         ' deliveries (max_deliveries ' .. max_deliveries .. ')',
                     'deliveries', tostring(count - 1),
                     'dead_group', group,
                     'dead_stream_id', id}
      for i = 1, #extra do copy[#copy + 1] = extra[i] end
      redis.call('XADD', dead, '*', unpack(copy))
      redis.call('XACK', stream, group, id)
      dead_count = dead_count + 1
    else
      live[#live + 1] = {id, count, fields}
    end
  end
end
-- Redis 7 lists entries deleted from the stream here and has already dropped them from
-- the pending list; the XACK only makes sure of it on any version.
local deleted = claimed[3]
if type(deleted) == 'table' and #deleted > 0 then
  redis.call('XACK', stream, group, unpack(deleted))
end
local new = {}
local room = limit - #live
if room > 0 then
  -- Non-blocking in a script; nil (false) when nothing is new.
  local read = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', room,
                          'STREAMS', stream, '>')
  if read then new = read[1][2] end
end
return {claimed[1], live, dead_count, new}
)lua");
  return script;
}

}  // namespace events::bus::internal
