-- RenewRecoveryCodes: with a code for a time step not used before, the recovery codes are
-- replaced.
-- KEYS: 1 people:member:<id>  2 people:member:<id>:totp
--       The member's organisation's audit log through audit_key (common.lua).
-- ARGV: 1 now  2 record: id, step (the code's time step)  3.. the recovery codes' sha256s
-- Returns {'ok'}, {'no_app'} or {'used'}.
local totp = KEYS[2]
if redis.call('HEXISTS', totp, 'secret') == 0 then return {'no_app'} end
if R.step <= tonumber(redis.call('HGET', totp, 'last_step') or '-1') then
  return {'used'}
end
redis.call('HSET', totp, 'last_step', int(R.step))
for _, f in ipairs(redis.call('HKEYS', totp)) do
  if f:sub(1, 3) == 'rc:' then redis.call('HDEL', totp, f) end
end
for i = 3, #ARGV do redis.call('HSET', totp, 'rc:' .. ARGV[i], '1') end
local m = redis.call('HMGET', KEYS[1], 'org_id', 'name')
if m[1] then
  audit(audit_key(m[1]), 'recovery_codes_renewed', R.id, m[2] or '', '', '',
        (#ARGV - 2) .. ' new recovery codes; the old ones stopped working')
end
return {'ok'}
