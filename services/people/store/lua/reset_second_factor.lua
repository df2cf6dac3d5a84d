-- ResetSecondFactor: the member's authenticator app and recovery codes are forgotten and
-- their sessions end; they set up an app again at their next sign-in.
-- ARGV: 3 org  4 member id  5 actor id  6 actor name
-- Returns {'ok', sessions ended}, {'not_found'} or {'removed'}.
local org, id = ARGV[3], ARGV[4]
local m = member_of(org, id)
if not m then return {'not_found'} end
if m.status == 'removed' then return {'removed'} end
redis.call('DEL', mkey(id) .. ':totp')
redis.call('HSET', mkey(id), 'second_factor', '0', 'version', tonumber(m.version) + 1)
local ended = end_sessions(id)
audit(org, 'second_factor_reset', ARGV[5], ARGV[6], id, m.name,
      'authenticator app and recovery codes removed; sessions ended: ' .. ended)
return {'ok', tostring(ended)}
