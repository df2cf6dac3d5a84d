-- RemoveMember: status removed (the record stays for the audit log's names), every session
-- ended at once, the address free to be invited again.
-- ARGV: 3 org  4 member id  5 actor id  6 actor name
-- Returns {'ok', sessions ended}, {'not_found'}, {'removed'} or {'last_organiser'}.
local org, id = ARGV[3], ARGV[4]
local m = member_of(org, id)
if not m then return {'not_found'} end
if m.status == 'removed' then return {'removed'} end
if has_role(m.roles, 'organiser') and other_organisers(org, id) == 0 then
  return {'last_organiser'}
end
redis.call('HSET', mkey(id), 'status', 'removed', 'removed_ms', ARGV[2], 'version',
           tonumber(m.version) + 1)
local ended = end_sessions(id)
if redis.call('HGET', okey(org) .. ':emails', m.email_hash) == id then
  redis.call('HDEL', okey(org) .. ':emails', m.email_hash)
end
redis.call('SREM', P .. 'people:email:' .. m.email_hash, id)
audit(org, 'member_removed', ARGV[5], ARGV[6], id, m.name, 'sessions ended: ' .. ended)
return {'ok', tostring(ended)}
