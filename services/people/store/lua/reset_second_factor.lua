-- ResetSecondFactor: the member's authenticator app and recovery codes are forgotten and
-- their sessions end; they set up an app again at their next sign-in.
-- KEYS: 1 people:member:<id>  2 people:member:<id>:totp  3 people:member:<id>:sessions
--       4 people:org:<org>:audit
--       The sessions and their seen keys through skey and seen_key (common.lua).
-- ARGV: 1 now  2 record: org, id, actor_id, actor_name
-- Returns {'ok', sessions ended}, {'not_found'} or {'removed'}.
local org, id = R.org, R.id
local m = member_at(KEYS[1], org)
if not m then return {'not_found'} end
if m.status == 'removed' then return {'removed'} end
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[1], 'second_factor', '0', 'version', tonumber(m.version) + 1)
local ended = end_sessions(KEYS[3])
audit(KEYS[4], 'second_factor_reset', R.actor_id, R.actor_name, id, m.name,
      'authenticator app and recovery codes removed; sessions ended: ' .. ended)
return {'ok', tostring(ended)}
