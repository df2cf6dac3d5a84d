#!lua flags=no-writes
-- What one partition has for a consumer group, read-only (Consumer::Poll's first step; each
-- call touches one partition's keys, and a poll sends one call per partition, all in one
-- pipeline, which a cluster client splits into one round trip per node).
--   KEYS: stream
--   ARGV: group, min idle ms, limit
--   Returns {group exists (1/0), new entries, entries idle past min idle}, both counts at
--   most limit. Without the group, "new" is every entry (the group is made from "0").
-- no-writes: it may run on a replica, and while Redis is out of memory.
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
