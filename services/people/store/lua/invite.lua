-- InviteMember: a member with status invited, indexed by organisation and address, its
-- audit entry and people.member_invited, in one step.
-- KEYS: 1 people:member:<id>  2 people:org:<org>:members  3 people:org:<org>:emails
--       4 people:org:<org>:audit  5 people:email:<e-mail sha256>  6 the stream {p0}:events
--       7 people:org:<org>:idem:<sha256> (only with an idempotency key)
--       The address's current holder, people:member:<holder>, through mkey (common.lua).
-- ARGV: 1 now  2 record: id, org, name, email, email_hash, roles, actor_id, actor_name,
--       invited_by (a person's name; '' for a key or eventctl), detail (audit), maxlen
--       3.. the event's kEventFieldCount (18) fields (xadd_event)
-- Returns {'created', id}, {'again', id} (the key was used: that member) or
-- {'exists', id} (the address is a member already).
local id, org, hash = R.id, R.org, R.email_hash
local idem = KEYS[7]
if idem then
  local prior = redis.call('GET', idem)
  if prior then return {'again', prior} end
end
local holder = redis.call('HGET', KEYS[3], hash)
if holder and redis.call('HGET', mkey(holder), 'status') ~= 'removed' then
  return {'exists', holder}
end
redis.call('HSET', KEYS[1], 'org_id', org, 'name', R.name, 'email', R.email, 'email_hash', hash,
           'roles', R.roles, 'status', 'invited', 'invited_ms', NOW_MS, 'invited_by_id',
           R.actor_id, 'invited_by', R.invited_by, 'last_sign_in_ms', '0', 'removed_ms', '0',
           'version', '1', 'second_factor', '0')
redis.call('ZADD', KEYS[2], NOW_MS, id)
redis.call('HSET', KEYS[3], hash, id)
redis.call('SADD', KEYS[5], id)
if idem then redis.call('SET', idem, id, 'PX', 86400000) end
audit(KEYS[4], 'member_invited', R.actor_id, R.actor_name, id, R.name, R.detail)
xadd_event(KEYS[6], R.maxlen, ARGV, 3)
return {'created', id}
