-- Takes one response. A named survey stores it under the registration id and adjusts the
-- aggregates in the same step (an edit first takes back the old contribution), so reports
-- are always exact. An anonymous survey adds the registration's keyed marker to "used" and
-- holds the answers sealed, under a random id, out of every figure: release.lua adds held
-- answers to the figures in shuffled batches (docs/feedback.md, "Anonymity").
-- KEYS: 1 E  2 stream  3 the organisation's trend hash in this partition
-- ARGV: 1 maxlen  2 now  3 event id  4 "named" | "anonymous"  5 response id (anonymous: the
--       held id)  6 marker (anonymous)  7 registration id  8 registration status
--       9 attended "1"/"0"  10 answers bytes (named)  11 contribution ("a|t <field> <delta>"
--       lines, "T <question> 0" for texts; with the access outcome's x: fields)
--       12 sealed answers (anonymous)  13 survey version read  14 envelope id
--       15 trends' minimum group  16 traceparent (the caller's trace, "" none: the event
--       emitted carries it)  17 number of texts, then question id, text pairs (named)
-- Who may answer is fixed when the survey opens: anyone invited (eligible then, or since), or
-- a confirmed registration, attended if attendance was tracked at opening. Marking
-- attendance afterwards can add people but never narrows the set, so an organiser cannot
-- leave one person able to answer and read their answers off the next change.
-- Returns {"ok", replaced 0/1, held} or {"not_open", opens} | {"closed", closes} |
-- {"cancelled"} | {"changed"} | {"not_eligible", status} | {"not_attended"} | {"already"}.
local E, stream, trend = KEYS[1], KEYS[2], KEYS[3]
local now = tonumber(ARGV[2])
local s = redis.call('HMGET', E .. 's', 'state', 'opens', 'closes', 'version', 'tracked')
local state = s[1] or 'scheduled'
if state == 'cancelled' then return {'cancelled'} end
if state == 'scheduled' then return {'not_open', s[2] or '0'} end
if state == 'closed' or now >= tonumber(s[3]) then return {'closed', s[3]} end
if (s[4] or '0') ~= ARGV[13] then return {'changed'} end
if redis.call('SISMEMBER', E .. 'inv', ARGV[7]) == 0 then
  if ARGV[8] ~= '1' then return {'not_eligible', ARGV[8]} end
  -- Surveys opened before `tracked` was kept: attendance now.
  local tracked = s[5]
  if tracked == false then
    tracked = tonumber(redis.call('GET', E .. 'attended') or '0') > 0 and '1' or '0'
  end
  if tracked == '1' and ARGV[9] ~= '1' then return {'not_attended'} end
end

if ARGV[4] ~= 'named' then
  if redis.call('SADD', E .. 'used', ARGV[6]) == 0 then return {'already'} end
  redis.call('HSET', E .. 'held', ARGV[5], ARGV[12])
  return {'ok', 0, redis.call('HLEN', E .. 'held')}
end

local shown = trends_shown(E)
local rid = ARGV[5]
local org = redis.call('HGET', E .. 'f', 'org') or ''
local replaced = 0
local old = redis.call('HGET', E .. 'c', rid)
if old then
  apply_contribution(E, old, -1, rid)
  replaced = 1
end
apply_contribution(E, ARGV[11], 1, rid)
local n = tonumber(ARGV[17])
for i = 0, n - 1 do
  redis.call('HSET', E .. 't:' .. ARGV[18 + 2 * i], rid, ARGV[19 + 2 * i])
end
refresh_trends(E, trend, tonumber(ARGV[15]), shown)
redis.call('HSET', E .. 'resp', rid, ARGV[10])
redis.call('HSET', E .. 'c', rid, ARGV[11])
redis.call('HSET', E .. 'at', rid, now)
-- Without the registration id: webhooks reach integrations, which could otherwise attribute
-- answers by differencing reports.
set_event_trace(ARGV[16])
emit(stream, ARGV[1], ARGV[14], 'response_submitted', now, ARGV[3], org,
     'FeedbackResponseSubmitted', pb_str(1, ARGV[3]) .. pb_str(2, org) .. pb_int(4, replaced))
return {'ok', replaced, 0}
