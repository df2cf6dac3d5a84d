-- Claims due deliveries of one partition for one try each: their due time moves forward by
-- the lease, so no other dispatcher takes them meanwhile, and a crashed one's claim expires.
-- ARGV: 1 P  2 now  3 lease ms  4 limit
-- Returns {{id, org, webhook, message, type, body, attempts so far}, ...}.
local P, now, lease, limit = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local due = P .. 'int:due'
local ids = redis.call('ZRANGEBYSCORE', due, '-inf', now, 'LIMIT', 0, limit)
local out = {}
for _, id in ipairs(ids) do
  local f = redis.call('HMGET', P .. 'int:dlv:' .. id, 'org', 'webhook', 'message', 'type', 'body',
    'attempt', 'state')
  if not f[1] or f[7] ~= 'pending' then
    redis.call('ZREM', due, id)
  else
    redis.call('ZADD', due, now + lease, id)
    out[#out + 1] = {id, f[1], f[2], f[3], f[4], f[5], f[6]}
  end
end
return out
