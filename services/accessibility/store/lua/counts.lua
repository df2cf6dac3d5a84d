-- Replaces an event's published counts (GetRequestCounts, rules/count_publication.h) when
-- they are still at the version the caller read, so publications form one history and two
-- readers publishing at once cannot show states one submission apart.
-- KEYS: 1 the event's counts hash. ARGV: 1 expected version ("0": none), 2 new version,
-- 3 published ms, then field, value pairs ("r:<request id>", fingerprint).
-- Returns "ok" or "conflict".
local stored = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if stored ~= tonumber(ARGV[1]) then return 'conflict' end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'at', ARGV[3])
for i = 4, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
end
return 'ok'
