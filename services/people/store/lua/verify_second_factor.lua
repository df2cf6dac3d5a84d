-- VerifySecondFactor: a code for a time step not used before, or a recovery code not used
-- before, finishes signing in under a new token (the old one stops working); a wrong code
-- counts, and the last allowed wrong code ends the session.
-- KEYS: 1 people:session:<session sha256>  2 people:session:<new session sha256>
--       3 people:seen:<session sha256>
--       The session's member, its app, its sessions set and its organisation's audit log
--       through derived_key (common.lua). The new session has no seen key until its first
--       use: its seen_ms is now.
-- ARGV: 1 now  2 record: session, new_session (the two sha256s), mode ('step', 'recovery'
--       or 'wrong'), step (the code's time step, mode 'step'), code (the recovery code's
--       sha256, mode 'recovery'), allowed (wrong codes allowed)
-- Returns {'ok', member id, 'code'|'recovery'}, {'ended'}, {'not_pending'},
-- {'wrong', tries left} or {'ended_now'} (that was the last try).
local old, old_seen = KEYS[1], KEYS[3]
-- A pending session idles out too (its last use is its sign-in: the session read does not
-- mark a pending session's use), so the code must come within the idle time.
local s = read_session(old, old_seen)
if not s or not session_open(s, NOW) then return {'ended'} end
if not s.pending then return {'not_pending'} end
local id = s.member_id
local m = hgetall(mkey(id))
if not m.org_id or m.status == 'removed' then
  redis.call('DEL', old, old_seen)
  return {'ended'}
end
local log = audit_key(m.org_id)
local totp = mkey(id) .. ':totp'
local ok = false
if R.mode == 'step' then
  local last = tonumber(redis.call('HGET', totp, 'last_step') or '-1')
  if R.step > last then
    redis.call('HSET', totp, 'last_step', int(R.step))
    ok = true
  end
elseif R.mode == 'recovery' then
  ok = redis.call('HDEL', totp, 'rc:' .. R.code) == 1
end
local set = mkey(id) .. ':sessions'
if ok then
  local new = KEYS[2]
  redis.call('RENAME', old, new)
  redis.call('HSET', new, 'pending', '0', 'second_factor', '1', 'failures', '0', 'seen_ms',
             NOW_MS)
  redis.call('PEXPIRE', new, s.expires - NOW)
  redis.call('DEL', old_seen)
  redis.call('SREM', set, R.session)
  redis.call('SADD', set, R.new_session)
  if R.mode == 'recovery' then
    local left = 0
    for _, f in ipairs(redis.call('HKEYS', totp)) do
      if f:sub(1, 3) == 'rc:' then left = left + 1 end
    end
    audit(log, 'recovery_code_used', id, m.name, '', '', left .. ' recovery codes left')
    audit(log, 'signed_in', id, m.name, '', '', 'with a recovery code')
    return {'ok', id, 'recovery'}
  end
  audit(log, 'signed_in', id, m.name, '', '', 'with a code from the authenticator app')
  return {'ok', id, 'code'}
end
local failures = (tonumber(redis.call('HGET', old, 'failures')) or 0) + 1
local allowed = R.allowed
if failures >= allowed then
  redis.call('DEL', old, old_seen)
  redis.call('SREM', set, R.session)
  audit(log, 'second_factor_refused', id, m.name, '', '',
        'wrong code ' .. failures .. ' times: the session was ended')
  return {'ended_now'}
end
redis.call('HSET', old, 'failures', failures)
audit(log, 'second_factor_refused', id, m.name, '', '',
      'wrong or already used code (' .. failures .. ' of ' .. int(allowed) .. ')')
return {'wrong', int(allowed - failures)}
