-- ConfirmSecondFactor: the setup started is proved by a code (a time step not used before);
-- the app's key becomes the member's, with new recovery codes, and this session counts as
-- having given a second factor.
-- ARGV: 3 member id  4 session sha256  5 the sealed key the code was checked against
-- 6 the time step  7 recovery codes n; then n recovery-code sha256s.
-- Returns {'ok'}, {'no_setup'} (none, or started again since), {'used'} or {'removed'}.
local id = ARGV[3]
local totp = mkey(id) .. ':totp'
local pending = redis.call('HGET', totp, 'pending')
if not pending or pending ~= ARGV[5] then return {'no_setup'} end
if tonumber(ARGV[6]) <= tonumber(redis.call('HGET', totp, 'last_step') or '-1') then
  return {'used'}
end
local m = hgetall(mkey(id))
if not m.org_id or m.status == 'removed' then return {'removed'} end
for _, f in ipairs(redis.call('HKEYS', totp)) do
  if f:sub(1, 3) == 'rc:' then redis.call('HDEL', totp, f) end
end
redis.call('HSET', totp, 'secret', pending, 'last_step', ARGV[6])
redis.call('HDEL', totp, 'pending')
for i = 8, 7 + tonumber(ARGV[7]) do redis.call('HSET', totp, 'rc:' .. ARGV[i], '1') end
redis.call('HSET', mkey(id), 'second_factor', '1', 'version', tonumber(m.version) + 1)
local session = skey(ARGV[4])
if redis.call('EXISTS', session) == 1 then redis.call('HSET', session, 'second_factor', '1') end
audit(m.org_id, 'second_factor_set_up', id, m.name, '', '',
      'authenticator app set up, ' .. ARGV[7] .. ' recovery codes')
return {'ok'}
