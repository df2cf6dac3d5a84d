-- ChangeMemberRoles: compare-and-set on the member's version, never leaving the
-- organisation without an organiser.
-- ARGV: 3 org  4 member id  5 new roles  6 expected version ('0': no check)  7 actor id
-- 8 actor name
-- Returns {'ok'}, {'not_found'}, {'removed'}, {'version', stored} or {'last_organiser'}.
local org, id, roles = ARGV[3], ARGV[4], ARGV[5]
local m = member_of(org, id)
if not m then return {'not_found'} end
if m.status == 'removed' then return {'removed'} end
if ARGV[6] ~= '0' and m.version ~= ARGV[6] then return {'version', m.version} end
if has_role(m.roles, 'organiser') and not has_role(roles, 'organiser') and
   other_organisers(org, id) == 0 then
  return {'last_organiser'}
end
if m.roles == roles then return {'ok'} end
redis.call('HSET', mkey(id), 'roles', roles, 'version', tonumber(m.version) + 1)
audit(org, 'roles_changed', ARGV[7], ARGV[8], id, m.name,
      'roles: ' .. role_words(m.roles) .. ' -> ' .. role_words(roles))
return {'ok'}
