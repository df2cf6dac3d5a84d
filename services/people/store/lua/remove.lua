-- RemoveMember: status removed (the record stays for the audit log's names), every session
-- ended at once, the address free to be invited again.
-- KEYS: 1 people:member:<id>  2 people:org:<org>:members  3 people:org:<org>:emails
--       4 people:org:<org>:audit  5 people:member:<id>:sessions
--       Through derived_key (common.lua): the other members, the sessions (records and seen
--       keys), and the address's index people:email:<sha256> (the address is read from the
--       member).
-- ARGV: 1 now  2 record: org, id, actor_id, actor_name
-- Returns {'ok', sessions ended}, {'not_found'}, {'removed'} or {'last_organiser'}.
local org, id = R.org, R.id
local m = member_at(KEYS[1], org)
if not m then return {'not_found'} end
if m.status == 'removed' then return {'removed'} end
if has_role(m.roles, 'organiser') and other_organisers(KEYS[2], id) == 0 then
  return {'last_organiser'}
end
redis.call('HSET', KEYS[1], 'status', 'removed', 'removed_ms', NOW_MS, 'version',
           tonumber(m.version) + 1)
local ended = end_sessions(KEYS[5])
if redis.call('HGET', KEYS[3], m.email_hash) == id then
  redis.call('HDEL', KEYS[3], m.email_hash)
end
redis.call('SREM', derived_key('people:email:' .. m.email_hash), id)
audit(KEYS[4], 'member_removed', R.actor_id, R.actor_name, id, m.name, 'sessions ended: ' .. ended)
return {'ok', tostring(ended)}
