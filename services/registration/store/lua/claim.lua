-- Ties an idempotency key to the event of the first request that used it, so that the key
-- cannot make a registration for another event (docs/registration.md, "Idempotency").
-- Stands alone (no common.lua): it touches one key, the one it declares.
-- KEYS: 1 the key's claim key "{p<N>}:rg:ikey:<key hash>" (the partition of the key hash,
--       not of the event).
-- ARGV: 1 event id  2 how long (ms).
-- Returns the event the key is tied to: ARGV[1] when it was free or already this event's.
local held = redis.call('GET', KEYS[1])
if held then return held end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]
