-- A person's session, read by every service's Authenticator (common/auth, docs/auth.md) in
-- one step: the session, its member, the absolute and idle expiry, and the idle refresh.
-- KEYS[1] "<prefix>{p0}:people:session:<sha256>" (common/auth/people_keys.h)
-- ARGV: 1 now (ms)  2 the session's sha256
-- The member's keys ("people:member:<id>" and its ":sessions" set) are named as the script
-- runs, from the session's member_id, and only by member_key() below: under KEYS[1]'s base
-- (the text up to and including its hash tag), so they share its hash slot, as in every
-- people script (services/people/store/lua/common.lua). No key name comes from ARGV.
-- Returns {'none'} when there is no such session (or it has ended: it is deleted then),
-- {'pending', member_id, org_id} while a code from the authenticator app is still needed,
-- else {'ok', member_id, org_id, name, roles, status, second_factor}.
local base = string.match(KEYS[1] or '', '^([^{]*{[^}]+}:)people:session:')
if not base then error('KEYS[1] must be a session key, "<prefix>{p0}:people:session:<sha256>"') end
local function member_key(id) return base .. 'people:member:' .. id end
local now, hash = tonumber(ARGV[1]), ARGV[2]
local s = redis.call('HMGET', KEYS[1], 'member_id', 'org_id', 'expires_ms', 'idle_ms',
                     'seen_ms', 'second_factor', 'pending')
if not s[1] then return {'none'} end
local member = member_key(s[1])
local expires, idle = tonumber(s[3]) or 0, tonumber(s[4]) or 0
local seen = tonumber(s[5]) or now
local function ended()
  redis.call('DEL', KEYS[1])
  redis.call('SREM', member .. ':sessions', hash)
  return {'none'}
end
-- Redis's own expiry ends idle sessions too; these checks make the rule hold whatever the
-- clock of Redis says, and let tests move time.
if now >= expires or now - seen >= idle then return ended() end
local m = redis.call('HMGET', member, 'org_id', 'name', 'roles', 'status')
if not m[1] or m[1] ~= s[2] or m[4] == 'removed' then return ended() end
if s[7] == '1' then return {'pending', s[1], s[2]} end
redis.call('HSET', KEYS[1], 'seen_ms', ARGV[1])
redis.call('PEXPIRE', KEYS[1], math.min(idle, expires - now))
return {'ok', s[1], s[2], m[2] or '', m[3] or '', m[4] or '', s[6] or '0'}
