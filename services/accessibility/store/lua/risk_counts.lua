#!lua flags=no-writes
-- How many open requests of each organisation in one partition are at risk and how many are
-- past their deadline, for the metrics (worker/risk_gauges.h). Read-only; one call per
-- partition, all in one pipeline.
-- KEYS: 1 P.."riskorgs" (P = "<prefix>{p<N>}:acc:"): the organisations with a non-empty
--       P.."atrisk:"..<org> zset (request ids by deadline), which this script derives from
--       KEYS[1] as common.lua's derived_key does (same partition, same hash tag).
-- ARGV: 1 now (ms)
-- Returns a flat array: org, at risk (deadline >= now), past deadline (deadline < now), ...
local suffix = 'riskorgs'
local base = string.sub(KEYS[1], 1, #KEYS[1] - #suffix)
if base .. suffix ~= KEYS[1] then
  return redis.error_reply('risk_counts: KEYS[1] must end in riskorgs')
end
local now = tonumber(ARGV[1])
local out = {}
for _, org in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local key = base .. 'atrisk:' .. org
  out[#out + 1] = org
  out[#out + 1] = redis.call('ZCOUNT', key, now, '+inf')
  out[#out + 1] = redis.call('ZCOUNT', key, '-inf', '(' .. now)
end
return out
