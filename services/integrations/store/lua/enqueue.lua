-- Creates the deliveries of one domain event, idempotently, due now.
-- KEYS: 1 P.."int:due" (zset id -> due ms), P = "<prefix>{p<N>}:"; each delivery's hash
--       P.."int:dlv:"..id through derived_key (common.lua).
-- ARGV: 1 now, then one record per delivery (a MessagePack map, common/redis/msgpack.h):
--       id, org, webhook, message (the event id), type, body, traceparent (W3C, "" none).
-- Returns how many were new.
local due, now = KEYS[1], tonumber(ARGV[1])
local made = 0
for i = 2, #ARGV do
  local d = cmsgpack.unpack(ARGV[i])
  local k = derived_key('int:dlv:' .. d.id)
  if redis.call('EXISTS', k) == 0 then
    redis.call('HSET', k, 'org', d.org, 'webhook', d.webhook, 'message', d.message, 'type',
      d.type, 'body', d.body, 'trace', d.traceparent or '', 'state', 'pending', 'attempt', 0,
      'created', now)
    redis.call('ZADD', due, now, d.id)
    made = made + 1
  end
end
return made
