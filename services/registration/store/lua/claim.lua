-- Ties an idempotency key to the event of the first request that used it, so that the key
-- cannot make a registration for another event (docs/registration.md, "Idempotency").
-- ARGV: 1 the key's claim key "{p<N>}:rg:ikey:<key hash>"  2 event id  3 how long (ms).
-- Returns the event the key is tied to: ARGV[2] when it was free or already this event's.
local held = redis.call('GET', ARGV[1])
if held then return held end
redis.call('SET', ARGV[1], ARGV[2], 'PX', ARGV[3])
return ARGV[2]
