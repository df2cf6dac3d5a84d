-- A person's session, read by every service's Authenticator (common/auth, docs/auth.md) in
-- one step: the session, its member, the absolute and idle expiry, and the idle refresh.
-- KEYS[1] auth:session:<sha256>
-- ARGV: 1 key prefix  2 now (ms)  3 the session's sha256
-- Returns {'none'} when there is no such session (or it has ended: it is deleted then),
-- {'pending', member_id, org_id} while a code from the authenticator app is still needed,
-- else {'ok', member_id, org_id, name, roles, status, second_factor}.
local prefix, now, hash = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local s = redis.call('HMGET', KEYS[1], 'member_id', 'org_id', 'expires_ms', 'idle_ms',
                     'seen_ms', 'second_factor', 'pending')
if not s[1] then return {'none'} end
local member_key = prefix .. 'people:member:' .. s[1]
local expires, idle = tonumber(s[3]) or 0, tonumber(s[4]) or 0
local seen = tonumber(s[5]) or now
local function ended()
  redis.call('DEL', KEYS[1])
  redis.call('SREM', member_key .. ':sessions', hash)
  return {'none'}
end
-- Redis's own expiry ends idle sessions too; these checks make the rule hold whatever the
-- clock of Redis says, and let tests move time.
if now >= expires or now - seen >= idle then return ended() end
local m = redis.call('HMGET', member_key, 'org_id', 'name', 'roles', 'status')
if not m[1] or m[1] ~= s[2] or m[4] == 'removed' then return ended() end
if s[7] == '1' then return {'pending', s[1], s[2]} end
redis.call('HSET', KEYS[1], 'seen_ms', ARGV[2])
redis.call('PEXPIRE', KEYS[1], math.min(idle, expires - now))
return {'ok', s[1], s[2], m[2] or '', m[3] or '', m[4] or '', s[6] or '0'}
