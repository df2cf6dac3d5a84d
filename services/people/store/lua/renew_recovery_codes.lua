-- RenewRecoveryCodes: with a code for a time step not used before, the recovery codes are
-- replaced.
-- ARGV: 3 member id  4 the time step  5 recovery codes n; then n recovery-code sha256s.
-- Returns {'ok'}, {'no_app'} or {'used'}.
local id = ARGV[3]
local totp = mkey(id) .. ':totp'
if redis.call('HEXISTS', totp, 'secret') == 0 then return {'no_app'} end
if tonumber(ARGV[4]) <= tonumber(redis.call('HGET', totp, 'last_step') or '-1') then
  return {'used'}
end
redis.call('HSET', totp, 'last_step', ARGV[4])
for _, f in ipairs(redis.call('HKEYS', totp)) do
  if f:sub(1, 3) == 'rc:' then redis.call('HDEL', totp, f) end
end
for i = 6, 5 + tonumber(ARGV[5]) do redis.call('HSET', totp, 'rc:' .. ARGV[i], '1') end
local m = redis.call('HMGET', mkey(id), 'org_id', 'name')
audit(m[1], 'recovery_codes_renewed', id, m[2] or '', '', '',
      ARGV[5] .. ' new recovery codes; the old ones stopped working')
return {'ok'}
