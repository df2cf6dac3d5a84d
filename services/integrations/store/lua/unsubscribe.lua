-- An unsubscribe, in two steps around the registration service's consent changes.
-- ARGV: 1 B  2 step: suppress | clear  3 e-mail sha256
-- suppress: adds the hash to the suppression list; returns the contact's registrations.
-- clear: takes every registration off the contact (it leaves the list); returns 'ok'.
local B, step, h = ARGV[1], ARGV[2], ARGV[3]
local regs = B .. 'c:' .. h .. ':regs'
if step == 'suppress' then
  redis.call('SADD', B .. 'suppressed', h)
  return redis.call('HKEYS', regs)
end
if redis.call('DEL', regs) == 1 then
  local n = redis.call('INCR', B .. 'cseq')
  redis.call('HSET', B .. 'c:' .. h, 'cursor', n)
  redis.call('ZADD', B .. 'cfeed', n, h)
end
return 'ok'
