-- One change of an organisation's contacts projection, from one registration's event.
-- KEYS (B = "<prefix>int:{<org>}:"): 1 B.."creg" (hash registration -> "version|email hash")
--       2 B.."cseq" (counter)  3 B.."cfeed" (zset hash -> cursor)  4 B.."suppressed" (set of
--       e-mail hashes); for an upsert also, h being the e-mail's hash, 5 B.."c:"..h (hash
--       email, first, last, cursor)  6 B.."c:"..h..":regs" (hash registration -> event id)
--       7 B.."c:"..h..":left" (the same, for registrations that left the contact: cancelled,
--       rejected or consent withdrawn; an unsubscribe withdraws what consent they may still
--       hold). The keys of the contact the registration had before (its hash is in creg)
--       through derived_key (common.lua).
-- ARGV: 1 the change (a MessagePack map, common/redis/msgpack.h): action (upsert | remove),
--       reg, version, event, and for an upsert email_sha256, email, first, last.
-- Returns 'ok', 'stale' (an older version), 'suppressed' or 'none'. An upsert of a suppressed
-- address answers 'suppressed' even when stale, so the caller's consent withdrawal, if it
-- failed, is tried again when the event comes again.
local creg, cseq, cfeed, suppressed = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local c = cmsgpack.unpack(ARGV[1])
local reg, version = c.reg, c.version
local prev = redis.call('HGET', creg, reg)
local prev_hash = ''
if prev then
  local v, h = string.match(prev, '^(%d+)|(.*)$')
  if tonumber(v) >= version then
    if c.action == 'upsert' and redis.call('SISMEMBER', suppressed, c.email_sha256) == 1 then
      return 'suppressed'
    end
    return 'stale'
  end
  prev_hash = h
end
local function contact_key(h) return derived_key('c:' .. h) end
local function touch(key, h)
  local n = redis.call('INCR', cseq)
  redis.call('HSET', key, 'cursor', n)
  redis.call('ZADD', cfeed, n, h)
end
-- The registration leaves the contact it had before.
local function leave_previous()
  local key = contact_key(prev_hash)
  if redis.call('HDEL', key .. ':regs', reg) == 1 then touch(key, prev_hash) end
  redis.call('HSET', key .. ':left', reg, c.event)
end
if c.action == 'upsert' then
  local h = c.email_sha256
  local contact, regs, left = KEYS[5], KEYS[6], KEYS[7]
  if prev_hash ~= '' and prev_hash ~= h then leave_previous() end
  redis.call('HDEL', left, reg)
  redis.call('HSET', creg, reg, string.format('%d|%s', version, h))
  if redis.call('SISMEMBER', suppressed, h) == 1 then return 'suppressed' end
  redis.call('HSET', contact, 'email', c.email, 'first', c.first, 'last', c.last)
  redis.call('HSET', regs, reg, c.event)
  touch(contact, h)
  return 'ok'
end
redis.call('HSET', creg, reg, string.format('%d|%s', version, prev_hash))
if prev_hash == '' then return 'none' end
leave_previous()
return 'ok'
