-- Projects one accessibility request change (the newest version wins): the request's
-- status per registration, and how many requests are in each status. Withdrawn requests
-- (6) and erased ones (no registration id) no longer count towards a registration's outcome.
-- KEYS: 1 E
-- ARGV: 1 request id  2 registration id  3 status  4 version
local E = KEYS[1]
local old = redis.call('HGET', E .. 'ar', ARGV[1])
local reg = ARGV[2]
if old then
  local old_reg, old_status, version = string.match(old, '^(.*)|(%d+)|(%d+)$')
  if tonumber(version) >= tonumber(ARGV[4]) then return 0 end
  redis.call('HINCRBY', E .. 'an', old_status, -1)
  if old_reg ~= '' then redis.call('HDEL', E .. 'a:' .. old_reg, ARGV[1]) end
end
redis.call('HSET', E .. 'ar', ARGV[1], reg .. '|' .. ARGV[3] .. '|' .. ARGV[4])
redis.call('HINCRBY', E .. 'an', ARGV[3], 1)
if reg ~= '' and ARGV[3] ~= '6' then redis.call('HSET', E .. 'a:' .. reg, ARGV[1], ARGV[3]) end
return 1
