-- GetSession: a session's record while it is open by the one rule every service's session
-- read keeps (read_session, session_open: common/auth/lua/session_rule.lua), so people does
-- not answer for a session the other services refuse. Reads only.
-- KEYS: 1 people:session:<session sha256>  2 people:seen:<session sha256>
-- ARGV: 1 now  2 record: (none of its fields is read)
-- Returns the record's fields and values (as HGETALL), or {'ended'} when there is no such
-- session or it has ended.
local s = read_session(KEYS[1], KEYS[2])
if not s or not session_open(s, NOW) then return {'ended'} end
return redis.call('HGETALL', KEYS[1])
