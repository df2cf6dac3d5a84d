-- Claims due deliveries of one partition for one try each: their due time moves forward by
-- the lease, so no other dispatcher takes them meanwhile, and a crashed one's claim expires.
-- KEYS: 1 P.."int:due", P = "<prefix>{p<N>}:"; the deliveries it names through derived_key.
-- ARGV: 1 now  2 lease ms  3 limit
-- Returns {{id, org, webhook, message, type, body, attempts so far, traceparent}, ...}
-- (traceparent "" for a delivery made before deliveries kept their trace).
local due, now, lease, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local ids = redis.call('ZRANGEBYSCORE', due, '-inf', now, 'LIMIT', 0, limit)
local out = {}
for _, id in ipairs(ids) do
  local f = redis.call('HMGET', derived_key('int:dlv:' .. id), 'org', 'webhook', 'message',
    'type', 'body', 'attempt', 'state', 'trace')
  if not f[1] or f[7] ~= 'pending' then
    redis.call('ZREM', due, id)
  else
    redis.call('ZADD', due, now + lease, id)
    out[#out + 1] = {id, f[1], f[2], f[3], f[4], f[5], f[6], f[8] or ''}
  end
end
return out
