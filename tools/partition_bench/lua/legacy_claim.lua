-- The claim script of before, as it was (common/bus/consumer.cc at a5ae62b), for
-- ./scripts/bench partitions to compare with.
local stream, dead = KEYS[1], KEYS[2]
local group, consumer = ARGV[1], ARGV[2]
local max_deliveries = tonumber(ARGV[6])
local claimed = redis.call('XAUTOCLAIM', stream, group, consumer, ARGV[3], ARGV[4],
                           'COUNT', ARGV[5])
local live, dead_count = {}, 0
for _, entry in ipairs(claimed[2]) do
  local id, fields = entry[1], entry[2]
  if type(fields) ~= 'table' then
    redis.call('XACK', stream, group, id)
  else
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
local deleted = claimed[3]
if type(deleted) == 'table' and #deleted > 0 then
  redis.call('XACK', stream, group, unpack(deleted))
end
return {claimed[1], live, dead_count}
