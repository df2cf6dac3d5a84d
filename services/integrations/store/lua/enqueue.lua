-- Creates the deliveries of one domain event, idempotently, due now.
-- ARGV: 1 partition prefix P ("<prefix>{p<N>}:")  2 now
--       then per delivery: id, org, webhook, message id, type, body
-- Keys: P.."int:dlv:"..id (hash), P.."int:due" (zset id -> due ms).
local P, now = ARGV[1], tonumber(ARGV[2])
local made = 0
for i = 3, #ARGV, 6 do
  local id = ARGV[i]
  local k = P .. 'int:dlv:' .. id
  if redis.call('EXISTS', k) == 0 then
    redis.call('HSET', k, 'org', ARGV[i + 1], 'webhook', ARGV[i + 2], 'message', ARGV[i + 3],
      'type', ARGV[i + 4], 'body', ARGV[i + 5], 'state', 'pending', 'attempt', 0, 'created', now)
    redis.call('ZADD', P .. 'int:due', now, id)
    made = made + 1
  end
end
return made
