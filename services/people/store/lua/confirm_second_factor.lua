-- ConfirmSecondFactor: the setup started is proved by a code (a time step not used before);
-- the app's key becomes the member's, with new recovery codes, and this session counts as
-- having given a second factor.
-- KEYS: 1 people:member:<id>  2 people:member:<id>:totp  3 people:session:<session sha256>
--       The member's organisation's audit log through audit_key (common.lua).
-- ARGV: 1 now  2 record: id, sealed (the sealed key the code was checked against), step (the
--       code's time step)  3.. the recovery codes' sha256s
-- Returns {'ok'}, {'no_setup'} (none, or started again since), {'used'} or {'removed'}.
local id = R.id
local totp = KEYS[2]
local pending = redis.call('HGET', totp, 'pending')
if not pending or pending ~= R.sealed then return {'no_setup'} end
if R.step <= tonumber(redis.call('HGET', totp, 'last_step') or '-1') then
  return {'used'}
end
local m = hgetall(KEYS[1])
if not m.org_id or m.status == 'removed' then return {'removed'} end
for _, f in ipairs(redis.call('HKEYS', totp)) do
  if f:sub(1, 3) == 'rc:' then redis.call('HDEL', totp, f) end
end
redis.call('HSET', totp, 'secret', pending, 'last_step', int(R.step))
redis.call('HDEL', totp, 'pending')
for i = 3, #ARGV do redis.call('HSET', totp, 'rc:' .. ARGV[i], '1') end
redis.call('HSET', KEYS[1], 'second_factor', '1', 'version', tonumber(m.version) + 1)
if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('HSET', KEYS[3], 'second_factor', '1') end
audit(audit_key(m.org_id), 'second_factor_set_up', id, m.name, '', '',
      'authenticator app set up, ' .. (#ARGV - 2) .. ' recovery codes')
return {'ok'}
