-- Adds a batch of held anonymous answers to the figures, in one step: takes them out of
-- E.."held", adds their summed contribution to the aggregates and trend deltas, stores each
-- response under a new random id (in the shuffled order given, with the release day only),
-- and brings the trends up to date. The caller (AnonymousBatches, which alone can open the
-- sealed answers) decides the batch: at least the minimum group, or everything once the
-- survey has closed. If any held id is gone, another replica released it first: nothing is
-- done ("raced"), so a batch is added exactly once.
-- KEYS: 1 E  2 the organisation's trend hash in this partition  3 the partition's release set
-- ARGV: 1 event id  2 trends' minimum group  3 the batch's contribution, summed ("a|t <field>
--       <delta>" lines)  4 h = number of held ids, then the h ids; then per response: response
--       id, day (unix ms), answers bytes, number of texts, then question id, text pairs
-- Returns {"ok", responses added} or {"raced"}.
local E, trend, release = KEYS[1], KEYS[2], KEYS[3]
local h = tonumber(ARGV[4])
for i = 5, 4 + h do
  if redis.call('HEXISTS', E .. 'held', ARGV[i]) == 0 then return {'raced'} end
end
local shown = trends_shown(E)
for i = 5, 4 + h do redis.call('HDEL', E .. 'held', ARGV[i]) end
apply_contribution(E, ARGV[3], 1, '')
local i = 5 + h
local added = 0
while i <= #ARGV do
  local rid, day, answers, texts = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3])
  i = i + 4
  for _ = 1, texts do
    hset_unordered(E .. 't:' .. ARGV[i], rid, ARGV[i + 1])
    i = i + 2
  end
  hset_unordered(E .. 'resp', rid, answers)
  hset_unordered(E .. 'at', rid, day)
  added = added + 1
end
refresh_trends(E, trend, tonumber(ARGV[2]), shown)
if redis.call('HLEN', E .. 'held') == 0 then redis.call('SREM', release, ARGV[1]) end
return {'ok', added}
