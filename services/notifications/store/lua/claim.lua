-- Claims due e-mail of one partition for one try each: the due time moves forward by the
-- lease, so no other sender takes it meanwhile, and a crashed sender's claim expires.
-- KEYS: 1 the partition's due zset, "<P>nt:due". The mail hashes are "<P>nt:mail:<id>",
--       derived from KEYS[1] (the same hash tag, so the same slot): the one place this
--       service's scripts derive a key.
-- ARGV: 1 now ms  2 lease ms  3 most to claim
-- Returns {{id, org, event, registration, template, cause, to, arg, attempts so far,
-- created ms, member, traceparent}, ...}, lowest due time first (urgent mail is due at 0);
-- member and traceparent are nil (HMGET's false) for mail made before they were kept.
local due = KEYS[1]
local P = string.sub(due, 1, #due - #'nt:due')
local now, lease, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', due, '-inf', now, 'LIMIT', 0, limit)) do
  local f = redis.call('HMGET', P .. 'nt:mail:' .. id, 'org', 'event', 'reg', 'tpl', 'cause',
    'to', 'arg', 'attempt', 'state', 'created', 'member', 'trace')
  if not f[1] or f[9] ~= 'pending' then
    redis.call('ZREM', due, id)
  else
    redis.call('ZADD', due, now + lease, id)
    out[#out + 1] = {id, f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[10], f[11], f[12]}
  end
end
return out
