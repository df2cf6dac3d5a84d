-- Starts a new series of tries for a dead e-mail (the same mail id, so the same
-- Message-ID) and takes it off the organisation's dead letters in the same step.
-- KEYS: 1 mail hash  2 due zset  3 the organisation's dead letters  4 its outbox log
-- ARGV: 1 mail id  2 now ms  3 organisation
-- Returns 1, or 0 when the mail is not a dead one of the organisation.
local id, now, org = ARGV[1], tonumber(ARGV[2]), ARGV[3]
redis.call('ZREM', KEYS[3], id)
local f = redis.call('HMGET', KEYS[1], 'state', 'org')
if f[1] ~= 'dead' or f[2] ~= org then return 0 end
redis.call('HSET', KEYS[1], 'state', 'pending', 'attempt', 0, 'error', '', 'updated', now)
redis.call('PERSIST', KEYS[1])
redis.call('ZADD', KEYS[2], now, id)
redis.call('ZADD', KEYS[4], now, id)
return 1
