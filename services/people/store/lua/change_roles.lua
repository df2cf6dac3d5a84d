-- ChangeMemberRoles: compare-and-set on the member's version, never leaving the
-- organisation without an organiser.
-- KEYS: 1 people:member:<id>  2 people:org:<org>:members  3 people:org:<org>:audit
--       The organisation's other members through mkey (common.lua).
-- ARGV: 1 now  2 record: org, id, roles (the new ones), expected_version (0: no check),
--       actor_id, actor_name
-- Returns {'ok'}, {'not_found'}, {'removed'}, {'version', stored} or {'last_organiser'}.
local org, id, roles = R.org, R.id, R.roles
local m = member_at(KEYS[1], org)
if not m then return {'not_found'} end
if m.status == 'removed' then return {'removed'} end
if R.expected_version ~= 0 and tonumber(m.version) ~= R.expected_version then
  return {'version', m.version}
end
if has_role(m.roles, 'organiser') and not has_role(roles, 'organiser') and
   other_organisers(KEYS[2], id) == 0 then
  return {'last_organiser'}
end
if m.roles == roles then return {'ok'} end
redis.call('HSET', KEYS[1], 'roles', roles, 'version', tonumber(m.version) + 1)
audit(KEYS[3], 'roles_changed', R.actor_id, R.actor_name, id, m.name,
      'roles: ' .. role_words(m.roles) .. ' -> ' .. role_words(roles))
return {'ok'}
