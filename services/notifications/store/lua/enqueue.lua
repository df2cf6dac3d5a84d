-- Creates the e-mail of one domain event, idempotently (a mail id made twice is made once),
-- due at its due time, and lists each on its organisation's outbox log.
-- KEYS: 1 the partition's due zset  2 the organisation's outbox log in the partition
--       3.. one mail hash per mail, in the order of the records in ARGV.
-- ARGV: 1 now ms  2 organisation  3 most entries kept on the log
--       then per mail 10 values: id, event, registration, template, cause, to, arg, member,
--       due ms (now; 0 for urgent mail, claimed before any other), traceparent ("" none).
-- Returns how many were new.
local now, org, cap = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
local made = 0
for m = 3, #KEYS do
  local a = 4 + (m - 3) * 10
  local id = ARGV[a]
  if redis.call('EXISTS', KEYS[m]) == 0 then
    redis.call('HSET', KEYS[m], 'org', org, 'event', ARGV[a + 1], 'reg', ARGV[a + 2],
      'tpl', ARGV[a + 3], 'cause', ARGV[a + 4], 'to', ARGV[a + 5], 'arg', ARGV[a + 6],
      'member', ARGV[a + 7], 'trace', ARGV[a + 9], 'state', 'pending', 'attempt', 0,
      'created', now, 'updated', now)
    redis.call('ZADD', KEYS[1], tonumber(ARGV[a + 8]), id)
    redis.call('ZADD', KEYS[2], now, id)
    made = made + 1
  end
end
local over = redis.call('ZCARD', KEYS[2]) - cap
if over > 0 then redis.call('ZREMRANGEBYRANK', KEYS[2], 0, over - 1) end
return made
