-- One change of an organisation's contacts projection, from one registration's event.
-- ARGV: 1 B ("<prefix>int:{<org>}:")  2 action: upsert | remove  3 registration id
--       4 version  5 e-mail sha256 (upsert)  6 e-mail  7 first name  8 last name  9 event id
-- Keys under B: creg (hash registration -> "version|email hash"), c:<h> (hash email, first,
-- last, cursor), c:<h>:regs (hash registration -> event id), c:<h>:left (the same, for
-- registrations that left the contact: cancelled, rejected or consent withdrawn; an
-- unsubscribe withdraws what consent they may still hold), cfeed (zset hash -> cursor),
-- cseq (counter), suppressed (set of e-mail hashes).
-- Returns 'ok', 'stale' (an older version), 'suppressed' or 'none'. An upsert of a suppressed
-- address answers 'suppressed' even when stale, so the caller's consent withdrawal, if it
-- failed, is tried again when the event comes again.
local B, action, reg, version = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local prev = redis.call('HGET', B .. 'creg', reg)
local prev_hash = ''
if prev then
  local v, h = string.match(prev, '^(%d+)|(.*)$')
  if tonumber(v) >= version then
    if action == 'upsert' and redis.call('SISMEMBER', B .. 'suppressed', ARGV[5]) == 1 then
      return 'suppressed'
    end
    return 'stale'
  end
  prev_hash = h
end
local function touch(h)
  local n = redis.call('INCR', B .. 'cseq')
  redis.call('HSET', B .. 'c:' .. h, 'cursor', n)
  redis.call('ZADD', B .. 'cfeed', n, h)
end
if action == 'upsert' then
  local h = ARGV[5]
  if prev_hash ~= '' and prev_hash ~= h then
    if redis.call('HDEL', B .. 'c:' .. prev_hash .. ':regs', reg) == 1 then touch(prev_hash) end
    redis.call('HSET', B .. 'c:' .. prev_hash .. ':left', reg, ARGV[9])
  end
  redis.call('HDEL', B .. 'c:' .. h .. ':left', reg)
  redis.call('HSET', B .. 'creg', reg, version .. '|' .. h)
  if redis.call('SISMEMBER', B .. 'suppressed', h) == 1 then return 'suppressed' end
  redis.call('HSET', B .. 'c:' .. h, 'email', ARGV[6], 'first', ARGV[7], 'last', ARGV[8])
  redis.call('HSET', B .. 'c:' .. h .. ':regs', reg, ARGV[9])
  touch(h)
  return 'ok'
end
redis.call('HSET', B .. 'creg', reg, version .. '|' .. prev_hash)
if prev_hash == '' then return 'none' end
if redis.call('HDEL', B .. 'c:' .. prev_hash .. ':regs', reg) == 1 then touch(prev_hash) end
redis.call('HSET', B .. 'c:' .. prev_hash .. ':left', reg, ARGV[9])
return 'ok'
