-- RequestSignIn: counts the request against the address and the visitor (the same whether
-- or not the address is a member), then a link record and people.sign_in_requested for
-- each membership of the address that is not removed.
-- KEYS: 1 people:rl:email:<e-mail sha256>  2 people:rl:visitor:<visitor sha256>
--       3 people:email:<e-mail sha256>  4 the stream {p0}:events
--       Each member (people:member:<id>) and new link (people:link:<link id>) through
--       derived_key (common.lua).
-- ARGV: 1 now  2 record: per_address, per_visitor (limits), window_ms, link_ms (lifetime),
--       link_expires_ms, browser (the browser secret's sha256), maxlen
--       then per membership 1 + kEventFieldCount values: a record (member, link) and the
--       event's fields (xadd_event.lua).
-- Returns {'limited'} or {'ok', links made}.
local function bump(key)
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, R.window_ms) end
  return n
end
local by_address = bump(KEYS[1])
local by_visitor = bump(KEYS[2])
if by_address > R.per_address or by_visitor > R.per_visitor then return {'limited'} end
local made = 0
for i = 3, #ARGV, 1 + kEventFieldCount do
  local l = cmsgpack.unpack(ARGV[i])
  local m = redis.call('HMGET', mkey(l.member), 'org_id', 'status')
  if m[1] and m[2] ~= 'removed' and redis.call('SISMEMBER', KEYS[3], l.member) == 1 then
    local key = derived_key('people:link:' .. l.link)
    redis.call('HSET', key, 'member_id', l.member, 'org_id', m[1], 'browser', R.browser,
               'expires_ms', int(R.link_expires_ms), 'used', '0')
    redis.call('PEXPIRE', key, R.link_ms)
    xadd_event(KEYS[4], R.maxlen, ARGV, i + 1)
    made = made + 1
  end
end
return {'ok', tostring(made)}
