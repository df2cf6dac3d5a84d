-- Starts a new series of tries for a dead delivery, with the same message id, and takes it
-- off the organisation's dead-letter index in the same step.
-- ARGV: 1 P  2 id  3 now  4 org
-- Returns 1, or 0 when the delivery is not dead (or not the organisation's); an index entry
-- left by an expired delivery is removed then.
local P, id, now, org = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local k = P .. 'int:dlv:' .. id
redis.call('ZREM', P .. 'int:dead:' .. org, id)
local f = redis.call('HMGET', k, 'state', 'org')
if f[1] ~= 'dead' or f[2] ~= org then
  -- Someone else's delivery with the same id cannot be on this organisation's index.
  return 0
end
redis.call('HSET', k, 'state', 'pending', 'attempt', 0, 'updated', now)
redis.call('PERSIST', k)
redis.call('ZADD', P .. 'int:due', now, id)
return 1
