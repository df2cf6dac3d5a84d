-- Records the outcome of one try, and for a dead one its place on the organisation's
-- dead-letter index, in one step: a stale claimant writes nothing, and a delivery is dead
-- exactly when it is on the index.
-- ARGV: 1 P  2 id  3 attempt (this try's number)  4 outcome: delivered | gone | retry | dead |
--       dropped  5 next due ms (retry)  6 http status  7 error  8 now  9 ms to keep a
--       finished delivery (for idempotency against a late redelivery of its event)
--       10 ms to keep a dead one  11 most dead letters of the organisation in this partition
-- Keys: P.."int:dlv:"..id, P.."int:due", P.."int:dead:"..org (zset id -> dead ms).
-- Returns 'ok', or 'stale' when this try was recorded already (its lease had expired and
-- another dispatcher took it).
local P, id, attempt, outcome = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local k = P .. 'int:dlv:' .. id
local f = redis.call('HMGET', k, 'state', 'attempt', 'org')
if f[1] ~= 'pending' or tonumber(f[2]) ~= attempt - 1 then return 'stale' end
redis.call('HSET', k, 'attempt', attempt, 'last_status', ARGV[6], 'last_error', ARGV[7],
  'updated', ARGV[8])
if outcome == 'retry' then
  redis.call('ZADD', P .. 'int:due', tonumber(ARGV[5]), id)
  return 'ok'
end
redis.call('ZREM', P .. 'int:due', id)
redis.call('HSET', k, 'state', outcome)
if outcome ~= 'dead' then
  redis.call('PEXPIRE', k, tonumber(ARGV[9]))
  return 'ok'
end
redis.call('PEXPIRE', k, tonumber(ARGV[10]))
local dead = P .. 'int:dead:' .. f[3]
redis.call('ZADD', dead, tonumber(ARGV[8]), id)
local over = redis.call('ZCARD', dead) - tonumber(ARGV[11])
if over > 0 then
  -- The oldest go, bodies and all.
  for _, old in ipairs(redis.call('ZRANGE', dead, 0, over - 1)) do
    local old_key = P .. 'int:dlv:' .. old
    if redis.call('HGET', old_key, 'state') == 'dead' then redis.call('DEL', old_key) end
  end
  redis.call('ZREMRANGEBYRANK', dead, 0, over - 1)
end
return 'ok'
