-- Records the outcome of one try, and for a dead one its place on the organisation's
-- dead-letter index, in one step: a stale claimant writes nothing, and a delivery is dead
-- exactly when it is on the index.
-- KEYS: 1 P.."int:dlv:"..id  2 P.."int:due", P = "<prefix>{p<N>}:"; through derived_key, the
--       index of the organisation the delivery names, P.."int:dead:"..org (zset id -> dead
--       ms), and the deliveries that index drops.
-- ARGV: 1 the try (a MessagePack map, common/redis/msgpack.h): id, attempt (this try's
--       number), outcome (delivered | gone | retry | dead | dropped), next_due (ms, retry),
--       http_status, error, now, keep_finished_ms (a finished delivery is kept this long,
--       for idempotency against a late redelivery of its event), keep_dead_ms,
--       max_dead (most dead letters of the organisation in this partition).
-- Returns 'ok', or 'stale' when this try was recorded already (its lease had expired and
-- another dispatcher took it).
local k, due = KEYS[1], KEYS[2]
local try = cmsgpack.unpack(ARGV[1])
local f = redis.call('HMGET', k, 'state', 'attempt', 'org')
if f[1] ~= 'pending' or tonumber(f[2]) ~= try.attempt - 1 then return 'stale' end
redis.call('HSET', k, 'attempt', try.attempt, 'last_status', try.http_status, 'last_error',
  try.error, 'updated', try.now)
if try.outcome == 'retry' then
  redis.call('ZADD', due, try.next_due, try.id)
  return 'ok'
end
redis.call('ZREM', due, try.id)
redis.call('HSET', k, 'state', try.outcome)
if try.outcome ~= 'dead' then
  redis.call('PEXPIRE', k, try.keep_finished_ms)
  return 'ok'
end
redis.call('PEXPIRE', k, try.keep_dead_ms)
local dead = derived_key('int:dead:' .. f[3])
redis.call('ZADD', dead, try.now, try.id)
local over = redis.call('ZCARD', dead) - try.max_dead
if over > 0 then
  -- The oldest go, bodies and all.
  for _, old in ipairs(redis.call('ZRANGE', dead, 0, over - 1)) do
    local old_key = derived_key('int:dlv:' .. old)
    if redis.call('HGET', old_key, 'state') == 'dead' then redis.call('DEL', old_key) end
  end
  redis.call('ZREMRANGEBYRANK', dead, 0, over - 1)
end
return 'ok'
