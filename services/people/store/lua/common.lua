-- Shared by every people script, pasted after kLuaProtobuf and kLuaXaddEvent
-- (redis_people_store.cc). Every script's ARGV starts with: 1 the key prefix, 2 now (ms).
-- Keys are global (docs/people.md, "Keys"); issue 19 tags them for Redis Cluster.
local P, NOW = ARGV[1], tonumber(ARGV[2])

local function mkey(id) return P .. 'people:member:' .. id end
local function okey(org) return P .. 'people:org:' .. org end
local function skey(hash) return P .. 'auth:session:' .. hash end

local function hgetall(key)
  local t, r = {}, redis.call('HGETALL', key)
  for i = 1, #r, 2 do t[r[i]] = r[i + 1] end
  return t
end

local function has_role(roles, role)
  return (',' .. (roles or '') .. ','):find(',' .. role .. ',', 1, true) ~= nil
end

local function role_words(roles)
  local words = (roles or ''):gsub('access_coordinator', 'access coordinator'):gsub(',', ', ')
  return words
end

-- One audit entry (a PeopleAuditEntry message), newest first, at most 10,000 kept.
local function audit(org, action, actor_id, actor_name, member_id, member_name, detail)
  local entry = pb_int(1, NOW) .. pb_str(2, action) .. pb_str(3, actor_id) ..
                pb_str(4, actor_name) .. pb_str(5, member_id) .. pb_str(6, member_name) ..
                pb_str(7, detail)
  redis.call('LPUSH', okey(org) .. ':audit', entry)
  redis.call('LTRIM', okey(org) .. ':audit', 0, 9999)
end

-- Ends every session of a member; returns how many were still open.
local function end_sessions(member_id)
  local set = mkey(member_id) .. ':sessions'
  local n = 0
  for _, h in ipairs(redis.call('SMEMBERS', set)) do n = n + redis.call('DEL', skey(h)) end
  redis.call('DEL', set)
  return n
end

-- Members of the organisation, other than `except`, who are organisers and not removed
-- (an invited organiser counts: they can sign in).
local function other_organisers(org, except)
  local n = 0
  for _, id in ipairs(redis.call('ZRANGE', okey(org) .. ':members', 0, -1)) do
    if id ~= except then
      local m = redis.call('HMGET', mkey(id), 'roles', 'status')
      if m[2] ~= 'removed' and has_role(m[1], 'organiser') then n = n + 1 end
    end
  end
  return n
end

-- The member `id` of organisation `org`, or nil (unknown, or another organisation's).
local function member_of(org, id)
  local m = hgetall(mkey(id))
  if m.org_id == nil or m.org_id ~= org then return nil end
  return m
end
