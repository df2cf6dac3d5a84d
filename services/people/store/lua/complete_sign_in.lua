-- CompleteSignIn: the link is unused, unexpired, opened in the browser that asked, and its
-- member not removed; then the link is used up, the session made (pending when the member
-- has an authenticator app), the member active, all in one step: two tries with one link
-- make one session.
-- KEYS: 1 people:link:<link id>  2 people:session:<new session sha256>
--       The link's member, its sessions set and older sessions (their records and seen
--       keys), and its organisation's audit log through derived_key (common.lua).
-- ARGV: 1 now  2 record: browser (the browser secret's sha256), session (the new session's
--       sha256), ends_ms (the session's absolute end), idle_ms
-- Returns {'ok', member id, pending '0'|'1'} or {reason}: 'expired', 'used',
-- 'other_browser', 'removed'. Refusals of a known link are audited.
local l = hgetall(KEYS[1])
if not l.member_id then return {'expired'} end
local id = l.member_id
local m = hgetall(mkey(id))
local function refuse(reason, words)
  if m.org_id then
    audit(audit_key(m.org_id), 'sign_in_refused', id, m.name or '', '', '', words)
  end
  return {reason}
end
if l.used == '1' then return refuse('used', 'the link was used already') end
if tonumber(l.expires_ms) <= NOW then return refuse('expired', 'the link had expired') end
if l.browser ~= R.browser then
  return refuse('other_browser', 'the link was opened in another browser than the one that asked')
end
if not m.org_id or m.status == 'removed' then
  return refuse('removed', 'the member was removed')
end
redis.call('HSET', KEYS[1], 'used', '1')
local pending = m.second_factor == '1' and '1' or '0'
local session = KEYS[2]
redis.call('HSET', session, 'member_id', id, 'org_id', m.org_id, 'created_ms', NOW_MS,
           'expires_ms', int(R.ends_ms), 'idle_ms', int(R.idle_ms), 'seen_ms', NOW_MS,
           'second_factor', '0', 'pending', pending, 'failures', '0')
-- The record lives to the session's absolute end: no other service may renew it. The idle
-- time is kept by the seen key (session_rule.lua), from seen_ms until the first use.
redis.call('PEXPIRE', session, R.ends_ms - NOW)
-- The member's list of sessions forgets those that ended by themselves (idle, absolute end),
-- with what is left of them: the other services refuse an ended session but cannot delete it.
local set = mkey(id) .. ':sessions'
for _, h in ipairs(redis.call('SMEMBERS', set)) do
  local old = read_session(skey(h), seen_key(h))
  if not old or not session_open(old, NOW) then
    redis.call('DEL', skey(h), seen_key(h))
    redis.call('SREM', set, h)
  end
end
redis.call('SADD', set, R.session)
redis.call('HSET', mkey(id), 'status', 'active', 'last_sign_in_ms', NOW_MS)
if pending == '1' then
  audit(audit_key(m.org_id), 'signed_in', id, m.name, '', '',
        'with a link by e-mail; a code from the authenticator app is needed')
else
  audit(audit_key(m.org_id), 'signed_in', id, m.name, '', '', 'with a link by e-mail')
end
return {'ok', id, pending}
