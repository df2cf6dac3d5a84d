-- RequestSignIn: counts the request against the address and the visitor (the same whether
-- or not the address is a member), then a link record and people.sign_in_requested for
-- each membership of the address that is not removed.
-- ARGV: 3 e-mail sha256  4 visitor sha256  5 limit per address  6 limit per visitor
-- 7 window ms  8 link lifetime ms  9 link expiry (ms)  10 browser secret sha256
-- 11 stream maxlen  12 memberships n; then per membership 19 values: member id, link id,
-- stream, the event's 16 fields.
-- Returns {'limited'} or {'ok', links made}.
local function bump(key)
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, ARGV[7]) end
  return n
end
local by_address = bump(P .. 'people:rl:email:' .. ARGV[3])
local by_visitor = bump(P .. 'people:rl:visitor:' .. ARGV[4])
if by_address > tonumber(ARGV[5]) or by_visitor > tonumber(ARGV[6]) then return {'limited'} end
local set = P .. 'people:email:' .. ARGV[3]
local made, i = 0, 13
for _ = 1, tonumber(ARGV[12]) do
  local id, link, stream = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local m = redis.call('HMGET', mkey(id), 'org_id', 'status')
  if m[1] and m[2] ~= 'removed' and redis.call('SISMEMBER', set, id) == 1 then
    local key = P .. 'people:link:' .. link
    redis.call('HSET', key, 'member_id', id, 'org_id', m[1], 'browser', ARGV[10], 'expires_ms',
               ARGV[9], 'used', '0')
    redis.call('PEXPIRE', key, ARGV[8])
    xadd_event(stream, ARGV[11], ARGV, i + 3)
    made = made + 1
  end
  i = i + 19
end
return {'ok', tostring(made)}
