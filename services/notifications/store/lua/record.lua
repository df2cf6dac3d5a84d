-- Records one try of one e-mail: its state, its place on the due zset, the organisation's
-- dead letters and outbox log, in one step. A stale claimant (its lease ran out and another
-- sender tried since) writes nothing.
-- KEYS: 1 mail hash  2 due zset  3 the organisation's dead letters  4 its outbox log
-- ARGV: 1 mail id  2 this try's number (attempts before it + 1; a deferral passes the
--       attempts before it: it is not a try)  3 outcome: sent | retry | defer | dead |
--       undeliverable | skipped  4 next due ms (retry, defer)  5 error text  6 now ms
--       7 the recipient address ("" leaves it)  8 ms to keep a finished mail
-- Returns 'ok', or 'stale'.
local id, attempt, outcome = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local f = redis.call('HMGET', KEYS[1], 'state', 'attempt')
if f[1] ~= 'pending' then return 'stale' end
local before = tonumber(f[2])
if outcome == 'defer' then
  if before ~= attempt then return 'stale' end
elseif before ~= attempt - 1 then
  return 'stale'
end
redis.call('HSET', KEYS[1], 'attempt', attempt, 'error', ARGV[5], 'updated', ARGV[6])
if ARGV[7] ~= '' then redis.call('HSET', KEYS[1], 'recipient', ARGV[7]) end
redis.call('ZADD', KEYS[4], tonumber(ARGV[6]), id)
if outcome == 'retry' or outcome == 'defer' then
  redis.call('ZADD', KEYS[2], tonumber(ARGV[4]), id)
  return 'ok'
end
redis.call('ZREM', KEYS[2], id)
redis.call('HSET', KEYS[1], 'state', outcome)
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[8]))
if outcome == 'dead' then redis.call('ZADD', KEYS[3], tonumber(ARGV[6]), id) end
return 'ok'
