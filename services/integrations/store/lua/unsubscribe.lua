-- An unsubscribe, in two steps around the registration service's consent changes.
-- ARGV: 1 B  2 step: suppress | clear  3 e-mail sha256
-- suppress: adds the hash to the suppression list; returns the registrations of the
-- contact and those that left it (cancelled, rejected, withdrawn: see contact.lua), whose
-- consent the caller withdraws wherever it is still given.
-- clear: takes every registration off the contact (it leaves the list) and forgets those
-- that had left; returns 'ok'.
local B, step, h = ARGV[1], ARGV[2], ARGV[3]
local regs = B .. 'c:' .. h .. ':regs'
local left = B .. 'c:' .. h .. ':left'
if step == 'suppress' then
  redis.call('SADD', B .. 'suppressed', h)
  local out = redis.call('HKEYS', regs)
  for _, reg in ipairs(redis.call('HKEYS', left)) do out[#out + 1] = reg end
  return out
end
redis.call('DEL', left)
if redis.call('DEL', regs) == 1 then
  local n = redis.call('INCR', B .. 'cseq')
  redis.call('HSET', B .. 'c:' .. h, 'cursor', n)
  redis.call('ZADD', B .. 'cfeed', n, h)
end
return 'ok'
