#!lua
-- Claims stuck entries, dead-letters those delivered too often, then reads new ones, in one
-- script: the copy to the dead-letter stream and its XACK happen together or not at all, so
-- an entry is never lost between them nor dead-lettered twice by two consumers. Creates the
-- group (from "0") if it vanished.
--   KEYS: stream, dead-letter stream
--   ARGV: group, consumer, min idle ms, claim cursor, limit, max deliveries
--   Returns {next claim cursor, {{id, delivery count, {field, value, ...}}, ...} claimed,
--            dead-lettered count, {{id, {field, value, ...}}, ...} new}; claimed and new
--   together at most limit.
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
