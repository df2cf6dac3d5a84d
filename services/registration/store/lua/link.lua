-- Sets a registration's personal link: the nonce its token is derived from and the token's
-- SHA-256, together, only while the stored token hash is still the one the caller read
-- (compare-and-set), so two rotations at once never interleave and the hash stored always
-- belongs to the nonce stored (docs/registration.md, "Personal links").
-- Stands alone (no common.lua). KEYS: 1 the registration's hash R..<id>.
-- ARGV: 1 the token hash read ("" when none was stored)  2 the new nonce  3 the new token hash.
-- Returns {"ok"}, {"conflict"} (it changed since it was read) or {"not_found"}.
-- Not a change of the registration (no version, no domain event): the link is how to reach
-- it, not part of it.
local f = redis.call('HMGET', KEYS[1], 'status', 'token')
if not f[1] then return {'not_found'} end
if (f[2] or '') ~= ARGV[1] then return {'conflict'} end
redis.call('HSET', KEYS[1], 'link_nonce', ARGV[2], 'token', ARGV[3])
return {'ok'}
