-- SignOut: this session, or every session of its person.
-- KEYS: 1 people:session:<session sha256>  2 people:seen:<session sha256>
--       The session's member, its sessions set (and so its other sessions) and its
--       organisation's audit log through derived_key (common.lua).
-- ARGV: 1 now  2 record: session (its sha256), everywhere (boolean)
-- Returns {'ok', sessions ended} or {'none'} (the session had ended already: what is left
-- of it is deleted).
local s = read_session(KEYS[1], KEYS[2])
if not s then return {'none'} end
local id = s.member_id
local set = mkey(id) .. ':sessions'
if not session_open(s, NOW) then
  redis.call('DEL', KEYS[1], KEYS[2])
  redis.call('SREM', set, R.session)
  return {'none'}
end
local m = redis.call('HMGET', mkey(id), 'org_id', 'name')
local n
if R.everywhere then
  n = end_sessions(set)
  audit(audit_key(s.org_id), 'signed_out_everywhere', id, m[2] or '', '', '',
        'sessions ended: ' .. n)
else
  n = redis.call('DEL', KEYS[1])
  redis.call('DEL', KEYS[2])
  redis.call('SREM', set, R.session)
  audit(audit_key(s.org_id), 'signed_out', id, m[2] or '', '', '', '')
end
return {'ok', tostring(n)}
