-- SignOut: this session, or every session of its person.
-- ARGV: 3 session sha256  4 '1' for everywhere
-- Returns {'ok', sessions ended} or {'none'} (the session had ended already).
local session = skey(ARGV[3])
local s = hgetall(session)
if not s.member_id or tonumber(s.expires_ms) <= NOW then return {'none'} end
local id = s.member_id
local m = redis.call('HMGET', mkey(id), 'org_id', 'name')
local n
if ARGV[4] == '1' then
  n = end_sessions(id)
  audit(s.org_id, 'signed_out_everywhere', id, m[2] or '', '', '', 'sessions ended: ' .. n)
else
  n = redis.call('DEL', session)
  redis.call('SREM', mkey(id) .. ':sessions', ARGV[3])
  audit(s.org_id, 'signed_out', id, m[2] or '', '', '', '')
end
return {'ok', tostring(n)}
