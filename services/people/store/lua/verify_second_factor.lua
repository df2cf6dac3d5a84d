-- VerifySecondFactor: a code for a time step not used before, or a recovery code not used
-- before, finishes signing in under a new token (the old one stops working); a wrong code
-- counts, and the last allowed wrong code ends the session.
-- ARGV: 3 session sha256  4 new session sha256  5 'step' | 'recovery' | 'wrong'
-- 6 the time step, or the recovery code's sha256  7 wrong codes allowed
-- Returns {'ok', member id, 'code'|'recovery'}, {'ended'}, {'not_pending'},
-- {'wrong', tries left} or {'ended_now'} (that was the last try).
local old = skey(ARGV[3])
local s = hgetall(old)
if not s.member_id or tonumber(s.expires_ms) <= NOW then return {'ended'} end
if s.pending ~= '1' then return {'not_pending'} end
local id = s.member_id
local m = hgetall(mkey(id))
if not m.org_id or m.status == 'removed' then
  redis.call('DEL', old)
  return {'ended'}
end
local totp = mkey(id) .. ':totp'
local ok = false
if ARGV[5] == 'step' then
  local last = tonumber(redis.call('HGET', totp, 'last_step') or '-1')
  if tonumber(ARGV[6]) > last then
    redis.call('HSET', totp, 'last_step', ARGV[6])
    ok = true
  end
elseif ARGV[5] == 'recovery' then
  ok = redis.call('HDEL', totp, 'rc:' .. ARGV[6]) == 1
end
local set = mkey(id) .. ':sessions'
if ok then
  local new = skey(ARGV[4])
  redis.call('RENAME', old, new)
  redis.call('HSET', new, 'pending', '0', 'second_factor', '1', 'failures', '0', 'seen_ms',
             ARGV[2])
  redis.call('PEXPIRE', new, math.min(tonumber(s.idle_ms), tonumber(s.expires_ms) - NOW))
  redis.call('SREM', set, ARGV[3])
  redis.call('SADD', set, ARGV[4])
  if ARGV[5] == 'recovery' then
    local left = 0
    for _, f in ipairs(redis.call('HKEYS', totp)) do
      if f:sub(1, 3) == 'rc:' then left = left + 1 end
    end
    audit(m.org_id, 'recovery_code_used', id, m.name, '', '', left .. ' recovery codes left')
    audit(m.org_id, 'signed_in', id, m.name, '', '', 'with a recovery code')
    return {'ok', id, 'recovery'}
  end
  audit(m.org_id, 'signed_in', id, m.name, '', '', 'with a code from the authenticator app')
  return {'ok', id, 'code'}
end
local failures = (tonumber(s.failures) or 0) + 1
local allowed = tonumber(ARGV[7])
if failures >= allowed then
  redis.call('DEL', old)
  redis.call('SREM', set, ARGV[3])
  audit(m.org_id, 'second_factor_refused', id, m.name, '', '',
        'wrong code ' .. failures .. ' times: the session was ended')
  return {'ended_now'}
end
redis.call('HSET', old, 'failures', failures)
audit(m.org_id, 'second_factor_refused', id, m.name, '', '',
      'wrong or already used code (' .. failures .. ' of ' .. allowed .. ')')
return {'wrong', tostring(allowed - failures)}
