-- The rule of a person's session (docs/auth.md, "Sessions of signed-in people"), in one
-- place: pasted in front of the session read every service runs (session.lua) and of the
-- people service's scripts that judge a session themselves (services/people/store/lua/
-- common.lua). It names no key: the caller passes the two keys of a session, both in
-- people's slot ("<prefix>{p0}:"):
--   people:session:<sha256>  the record, written only by the people service (member_id,
--                            org_id, created_ms, expires_ms, idle_ms, seen_ms, second_factor,
--                            pending, failures), PEXPIREd by people to its absolute end;
--   people:seen:<sha256>     the last use in ms (a string), written by session.lua on every
--                            call and PEXPIREd to the idle time, or 'ended' once a read found
--                            the session past its idle or absolute end (so every replica
--                            refuses it from then on, whatever its clock says).
-- Every service may write the seen key, none but people the record: a forged seen key can
-- keep a session from idling out or end it early, but never make one, change whose it is
-- or its roles, or keep it past its absolute end.

-- The session at `session` with its last use from `seen`; nil when there is no record. The
-- last use is the later of the seen key and the record's seen_ms (people writes it at
-- sign-in and second factor), or created_ms when neither is there: a session made before
-- the seen key existed goes on from its stored seen_ms instead of ending at once.
local function read_session(session, seen)
  local f = redis.call('HMGET', session, 'member_id', 'org_id', 'created_ms', 'expires_ms',
                       'idle_ms', 'seen_ms', 'second_factor', 'pending')
  if not f[1] then return nil end
  local mark = redis.call('GET', seen)
  local stored = tonumber(f[6]) or tonumber(f[3]) or 0
  return {
    member_id = f[1],
    org_id = f[2],
    expires = tonumber(f[4]) or 0,
    idle = tonumber(f[5]) or 0,
    seen = math.max(tonumber(mark) or 0, stored),
    second_factor = f[7] or '0',
    pending = f[8] == '1',
    ended = mark == 'ended',
  }
end

-- Whether the session `s` (read_session) is still open at `now` by its own times: not marked
-- ended, before its absolute end, and used within its idle time. The member (removed, of
-- another organisation) is checked apart.
local function session_open(s, now)
  return not s.ended and now < s.expires and now - s.seen < s.idle
end
