-- An unsubscribe, in two steps around the registration service's consent changes.
-- KEYS (B = "<prefix>int:{<org>}:", h the e-mail's sha256): 1 B.."suppressed"
--       2 B.."c:"..h..":regs"  3 B.."c:"..h..":left"  4 B.."c:"..h  5 B.."cseq"  6 B.."cfeed"
-- ARGV: 1 step: suppress | clear  2 h
-- suppress: adds the hash to the suppression list; returns the registrations of the
-- contact and those that left it (cancelled, rejected, withdrawn: see contact.lua), whose
-- consent the caller withdraws wherever it is still given.
-- clear: takes every registration off the contact (it leaves the list) and forgets those
-- that had left; returns 'ok'.
local suppressed, regs, left, contact, cseq, cfeed =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local step, h = ARGV[1], ARGV[2]
if step == 'suppress' then
  redis.call('SADD', suppressed, h)
  local out = redis.call('HKEYS', regs)
  for _, reg in ipairs(redis.call('HKEYS', left)) do out[#out + 1] = reg end
  return out
end
redis.call('DEL', left)
if redis.call('DEL', regs) == 1 then
  local n = redis.call('INCR', cseq)
  redis.call('HSET', contact, 'cursor', n)
  redis.call('ZADD', cfeed, n, h)
end
return 'ok'
