-- Shared by every people script, put after common/redis/lua/protobuf.lua and common/bus/lua/xadd_event.lua
-- (redis_people_store.cc). The script text starts with "#!lua" (LuaScript adds it), so Redis
-- Cluster refuses any key of another slot than the script's KEYS.
--
-- One slot. Every key of people (members, organisations' lists and audit logs, links, rate
-- counters, sessions) carries partition 0's hash tag, "<prefix>{p0}:people:...", and people's
-- domain events go to partition 0's stream "<prefix>{p0}:events": one hash slot for all of
-- people, so signing in by address across organisations and finding a session by its hash
-- alone stay one script each (docs/people.md, "Keys"; common/auth/people_keys.h).
--
-- The key contract. A script is routed to its node by its KEYS, so every key whose name is
-- fixed for the call is in KEYS (each script's header lists them). Keys the script can only
-- name as it runs (a member named by a link, a session or an address index, the other
-- members of an organisation, a member's sessions, the audit log of a member's
-- organisation) are made by derived_key() and only there, from the base every declared key
-- shares: the text up to and including the hash tag, "<prefix>{p0}:". declared_base checks
-- that every KEYS entry has that same base (so keys of two slots fail on a single Redis too,
-- not only in a cluster) and fails a script called without KEYS. No key name or prefix comes
-- from ARGV.
--
-- Every script's ARGV: 1 now (ms, the service's clock), 2 one MessagePack record read by
-- field name (common/redis/msgpack.h), then what its header says (an event's 18 fields,
-- recovery-code hashes).

-- declared_base() is common/redis/lua/keys.lua, and read_session() and session_open()
-- common/auth/lua/session_rule.lua (the one rule of when a session is open, shared with every
-- service's session read), both put in front of this file (services/people/CMakeLists.txt).

local declared = declared_base()

-- The one place a key is named inside a script: under the declared keys' hash tag.
local function derived_key(suffix) return declared .. suffix end

local NOW, NOW_MS = tonumber(ARGV[1]), ARGV[1]
local R = cmsgpack.unpack(ARGV[2])

local function mkey(id) return derived_key('people:member:' .. id) end
local function skey(hash) return derived_key('people:session:' .. hash) end
-- A session's last use, written by every service's session read (session_rule.lua).
local function seen_key(hash) return derived_key('people:seen:' .. hash) end
local function audit_key(org) return derived_key('people:org:' .. org .. ':audit') end

-- A number as Redis stores it: integer digits (cmsgpack gives Lua doubles).
local function int(n) return string.format('%d', n) end

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

-- One audit entry (a PeopleAuditEntry message) on the list `key`, newest first, at most
-- 10,000 kept.
local function audit(key, action, actor_id, actor_name, member_id, member_name, detail)
  local entry = pb_int(1, NOW) .. pb_str(2, action) .. pb_str(3, actor_id) ..
                pb_str(4, actor_name) .. pb_str(5, member_id) .. pb_str(6, member_name) ..
                pb_str(7, detail)
  redis.call('LPUSH', key, entry)
  redis.call('LTRIM', key, 0, 9999)
end

-- Ends the session whose hash is `hash`: its record and its seen key. Returns 1 when it was
-- still open (session_rule.lua), else 0.
local function end_session(hash)
  local s = read_session(skey(hash), seen_key(hash))
  local open = (s and session_open(s, NOW)) and 1 or 0
  redis.call('DEL', skey(hash), seen_key(hash))
  return open
end

-- Ends every session listed in a member's set `set`; returns how many were still open.
local function end_sessions(set)
  local n = 0
  for _, h in ipairs(redis.call('SMEMBERS', set)) do n = n + end_session(h) end
  redis.call('DEL', set)
  return n
end

-- Members in the organisation's sorted set `members`, other than `except`, who are
-- organisers and not removed (an invited organiser counts: they can sign in).
local function other_organisers(members, except)
  local n = 0
  for _, id in ipairs(redis.call('ZRANGE', members, 0, -1)) do
    if id ~= except then
      local m = redis.call('HMGET', mkey(id), 'roles', 'status')
      if m[2] ~= 'removed' and has_role(m[1], 'organiser') then n = n + 1 end
    end
  end
  return n
end

-- The member hash at `key` when it belongs to organisation `org`, else nil (unknown, or
-- another organisation's).
local function member_at(key, org)
  local m = hgetall(key)
  if m.org_id == nil or m.org_id ~= org then return nil end
  return m
end
