#!lua flags=no-writes
-- The figures of one partition that the platform metrics show (bus::QueueWatch, every 15 s;
-- a refresh sends one call per partition, all in one pipeline, which a cluster client splits
-- into one round trip per node). Read-only.
--   KEYS: stream, dead-letter stream, then each delayed-job queue (sorted set) watched
--   ARGV: now in unix ms (the services' clock, which scores the jobs), overdue after ms,
--         number of groups G, then the G group names
--   Returns a flat array: dead-letter entries, then per group {lag, pending, age in ms of
--   the oldest pending entry (0 if none)}, then per queue {due, overdue}.
-- lag is XINFO GROUPS "lag": entries not yet delivered to the group. When Redis cannot tell
-- (nil: entries deleted or trimmed after the group's position, or a group made from "0" on a
-- trimmed stream), the entries after the group's position are counted, at most
-- kMaxCounted (so the figure is then "at least"). A group not made yet: every entry.
local kMaxCounted = 1000
local stream, dead = KEYS[1], KEYS[2]
local now_ms, overdue_ms, group_count = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local out = {redis.call('XLEN', dead)}

local infos = {}
local exists = true
local groups = redis.pcall('XINFO', 'GROUPS', stream)
if type(groups) == 'table' and groups.err then
  if not string.find(groups.err, 'no such key', 1, true) then return groups end
  exists = false
else
  for _, info in ipairs(groups) do
    local fields = {}
    for i = 1, #info, 2 do fields[info[i]] = info[i + 1] end
    infos[fields['name']] = fields
  end
end

-- Redis's clock: stream ids are its milliseconds.
local time = redis.call('TIME')
local redis_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)

for g = 1, group_count do
  local group = ARGV[3 + g]
  local info = infos[group]
  local lag, pending, oldest = 0, 0, 0
  if info then
    lag = info['lag']
    if type(lag) ~= 'number' then
      lag = #redis.call('XRANGE', stream, '(' .. info['last-delivered-id'], '+', 'COUNT',
                        kMaxCounted)
    end
    pending = info['pending']
    if pending > 0 then
      -- The summary form: {count, smallest id, greatest id, consumers}.
      local summary = redis.call('XPENDING', stream, group)
      local first_ms = tonumber(string.match(summary[2] or '', '^(%d+)'))
      if first_ms then oldest = math.max(0, redis_ms - first_ms) end
    end
  elseif exists then
    lag = redis.call('XLEN', stream)
  end
  out[#out + 1] = lag
  out[#out + 1] = pending
  out[#out + 1] = oldest
end

for q = 3, #KEYS do
  out[#out + 1] = redis.call('ZCOUNT', KEYS[q], '-inf', now_ms)
  out[#out + 1] = redis.call('ZCOUNT', KEYS[q], '-inf', now_ms - overdue_ms)
end
return out
