-- InviteMember: a member with status invited, indexed by organisation and address, its
-- audit entry and people.member_invited, in one step.
-- ARGV: 3 member id  4 org  5 name  6 e-mail  7 e-mail sha256  8 roles  9 actor id
-- 10 actor name  11 invited by (a person's name; '' for a key or eventctl)
-- 12 idempotency key sha256 ('' none)  13 audit detail  14 stream  15 stream maxlen
-- 16.. the event's 16 fields
-- Returns {'created', id}, {'again', id} (the key was used: that member) or
-- {'exists', id} (the address is a member already).
local id, org, hash = ARGV[3], ARGV[4], ARGV[7]
local idem = ''
if ARGV[12] ~= '' then
  idem = okey(org) .. ':idem:' .. ARGV[12]
  local prior = redis.call('GET', idem)
  if prior then return {'again', prior} end
end
local emails = okey(org) .. ':emails'
local holder = redis.call('HGET', emails, hash)
if holder and redis.call('HGET', mkey(holder), 'status') ~= 'removed' then
  return {'exists', holder}
end
redis.call('HSET', mkey(id), 'org_id', org, 'name', ARGV[5], 'email', ARGV[6], 'email_hash', hash,
           'roles', ARGV[8], 'status', 'invited', 'invited_ms', ARGV[2], 'invited_by_id', ARGV[9],
           'invited_by', ARGV[11], 'last_sign_in_ms', '0', 'removed_ms', '0', 'version', '1',
           'second_factor', '0')
redis.call('ZADD', okey(org) .. ':members', ARGV[2], id)
redis.call('HSET', emails, hash, id)
redis.call('SADD', P .. 'people:email:' .. hash, id)
if idem ~= '' then redis.call('SET', idem, id, 'PX', 86400000) end
audit(org, 'member_invited', ARGV[9], ARGV[10], id, ARGV[5], ARGV[13])
xadd_event(ARGV[14], ARGV[15], ARGV, 16)
return {'created', id}
