-- A person's session, read by every service's Authenticator (common/auth, docs/auth.md) in
-- one step: the session, its member, the absolute and idle expiry (session_rule.lua, pasted
-- in front), and the mark of this use.
-- KEYS[1] "<prefix>{p0}:people:seen:<sha256>", the one key it writes (common/auth/
--         people_keys.h). EVALSHA asks read-write access to every key in KEYS, and the
--         services may only read the session record, so the record is not in KEYS.
-- ARGV: 1 now (ms)
-- The session record ("people:session:<sha256>") and the member's hash ("people:member:
-- <id>", from the record's member_id) are named as the script runs, here and only here:
-- under KEYS[1]'s base (the text up to and including its hash tag), so they share its hash
-- slot, as in every people script (services/people/store/lua/common.lua). No key name comes
-- from ARGV. Both are only read.
-- Returns {'none'} when there is no such session or it has ended, {'pending', member_id,
-- org_id} while a code from the authenticator app is still needed, else {'ok', member_id,
-- org_id, name, roles, status, second_factor}.
local base, hash = string.match(KEYS[1] or '', '^([^{]*{[^}]+}:)people:seen:([^:]+)$')
if not base then
  error('KEYS[1] must be a session\'s seen key, "<prefix>{p0}:people:seen:<sha256>"')
end
local seen_key = KEYS[1]
local session_key = base .. 'people:session:' .. hash
local function member_key(id) return base .. 'people:member:' .. id end

local now = tonumber(ARGV[1])
local s = read_session(session_key, seen_key)
if not s then return {'none'} end
-- The times are judged by the service's clock (tests move it); Redis's own expiry of the
-- seen key and of the record ends sessions too. An ended session is refused, never deleted
-- here: people deletes records (sign-out, removal, the next sign-in's tidy-up), and the
-- record's own expiry does the rest.
if not session_open(s, now) then
  if not s.ended then
    redis.call('SET', seen_key, 'ended', 'PX', math.max(s.expires - now, 0) + math.max(s.idle, 1))
  end
  return {'none'}
end
local m = redis.call('HMGET', member_key(s.member_id), 'org_id', 'name', 'roles', 'status')
if not m[1] or m[1] ~= s.org_id or m[4] == 'removed' then return {'none'} end
if s.pending then return {'pending', s.member_id, s.org_id} end
redis.call('SET', seen_key, ARGV[1], 'PX', math.max(math.min(s.idle, s.expires - now), 1))
return {'ok', s.member_id, s.org_id, m[2] or '', m[3] or '', m[4] or '', s.second_factor}
