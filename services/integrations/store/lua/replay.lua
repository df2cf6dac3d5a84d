-- Starts a new series of tries for a dead delivery, with the same message id, and takes it
-- off the organisation's dead-letter index in the same step.
-- KEYS: 1 P.."int:dlv:"..id  2 P.."int:due"  3 P.."int:dead:"..org, P = "<prefix>{p<N>}:"
-- ARGV: 1 id  2 now  3 org
-- Returns 1, or 0 when the delivery is not dead (or not the organisation's); an index entry
-- left by an expired delivery is removed then.
local k, due, dead = KEYS[1], KEYS[2], KEYS[3]
local id, now, org = ARGV[1], tonumber(ARGV[2]), ARGV[3]
redis.call('ZREM', dead, id)
local f = redis.call('HMGET', k, 'state', 'org')
if f[1] ~= 'dead' or f[2] ~= org then
  -- Someone else's delivery with the same id cannot be on this organisation's index.
  return 0
end
redis.call('HSET', k, 'state', 'pending', 'attempt', 0, 'updated', now)
redis.call('PERSIST', k)
redis.call('ZADD', due, now, id)
return 1
