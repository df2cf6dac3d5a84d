-- CompleteSignIn: the link is unused, unexpired, opened in the browser that asked, and its
-- member not removed; then the link is used up, the session made (pending when the member
-- has an authenticator app), the member active, all in one step: two tries with one link
-- make one session.
-- ARGV: 3 link id  4 browser secret sha256  5 session sha256  6 session end (ms)
-- 7 idle ms
-- Returns {'ok', member id, pending '0'|'1'} or {reason}: 'expired', 'used',
-- 'other_browser', 'removed'. Refusals of a known link are audited.
local link_key = P .. 'people:link:' .. ARGV[3]
local l = hgetall(link_key)
if not l.member_id then return {'expired'} end
local id = l.member_id
local m = hgetall(mkey(id))
local function refuse(reason, words)
  if m.org_id then audit(m.org_id, 'sign_in_refused', id, m.name or '', '', '', words) end
  return {reason}
end
if l.used == '1' then return refuse('used', 'the link was used already') end
if tonumber(l.expires_ms) <= NOW then return refuse('expired', 'the link had expired') end
if l.browser ~= ARGV[4] then
  return refuse('other_browser', 'the link was opened in another browser than the one that asked')
end
if not m.org_id or m.status == 'removed' then
  return refuse('removed', 'the member was removed')
end
redis.call('HSET', link_key, 'used', '1')
local pending = m.second_factor == '1' and '1' or '0'
local session = skey(ARGV[5])
local idle, ends = tonumber(ARGV[7]), tonumber(ARGV[6])
redis.call('HSET', session, 'member_id', id, 'org_id', m.org_id, 'created_ms', ARGV[2],
           'expires_ms', ARGV[6], 'idle_ms', ARGV[7], 'seen_ms', ARGV[2], 'second_factor', '0',
           'pending', pending, 'failures', '0')
redis.call('PEXPIRE', session, math.min(idle, ends - NOW))
-- The member's list of sessions forgets those that ended by themselves.
local set = mkey(id) .. ':sessions'
for _, h in ipairs(redis.call('SMEMBERS', set)) do
  if redis.call('EXISTS', skey(h)) == 0 then redis.call('SREM', set, h) end
end
redis.call('SADD', set, ARGV[5])
redis.call('HSET', mkey(id), 'status', 'active', 'last_sign_in_ms', ARGV[2])
if pending == '1' then
  audit(m.org_id, 'signed_in', id, m.name, '', '',
        'with a link by e-mail; a code from the authenticator app is needed')
else
  audit(m.org_id, 'signed_in', id, m.name, '', '', 'with a link by e-mail')
end
return {'ok', id, pending}
