-- Stores one response and adjusts the aggregates in the same step, so reports are always
-- exact. A named survey keys the response by registration id and an edit first takes back
-- the old contribution; an anonymous one keeps only a hash of the registration in a set
-- ("used") and stores the response under a random id, so nothing links the two.
-- KEYS: 1 E  2 stream  3 the organisation's trend hash in this partition
-- ARGV: 1 maxlen  2 now  3 event id  4 "named" | "anonymous"  5 response id
--       6 used hash (anonymous)  7 registration id  8 registration status  9 attended "1"/"0"
--       10 answers bytes  11 contribution ("a|t <field> <delta>" lines, "T <question> 0" for
--       texts)  12 access-needs-met choice ("" when not answered)  13 survey version read
--       14 envelope id  15 trends' minimum group  16 number of texts, then question id, text
--       pairs
-- Trends: the event's trend deltas are summed in E.."td"; the organisation's trend hash holds,
-- per group (K:n the responses, K:r:* the rating, K:s:* the 0-10 scale), the event's held
-- deltas when the event has at least the minimum in that group, and nothing of it otherwise
-- (E.."tr" is what it holds now). So trends never show an event, or one of its questions,
-- too few answered to report on (the rule of ReleasedTrendFields in rules/aggregates.h).
-- Returns {"ok", replaced 0/1} or {"not_open", opens} | {"closed", closes} | {"cancelled"} |
-- {"changed"} | {"not_eligible", status} | {"not_attended"} | {"already"}.
local E, stream, trend = KEYS[1], KEYS[2], KEYS[3]
local now = tonumber(ARGV[2])
local s = redis.call('HMGET', E .. 's', 'state', 'opens', 'closes', 'version')
local state = s[1] or 'scheduled'
if state == 'cancelled' then return {'cancelled'} end
if state == 'scheduled' then return {'not_open', s[2] or '0'} end
if state == 'closed' or now >= tonumber(s[3]) then return {'closed', s[3]} end
if (s[4] or '0') ~= ARGV[13] then return {'changed'} end
if ARGV[8] ~= '1' then return {'not_eligible', ARGV[8]} end
if tonumber(redis.call('GET', E .. 'attended') or '0') > 0 and ARGV[9] ~= '1' then
  return {'not_attended'}
end

local named = ARGV[4] == 'named'
local rid = ARGV[5]
local org = redis.call('HGET', E .. 'f', 'org') or ''
-- What the trends hold of this event now. Events that reached the trends before per-group
-- release have no E.."tr" but in_trends = 1: then the trends hold all of E.."td".
local shown = redis.call('HGETALL', E .. 'tr')
if #shown == 0 and redis.call('HGET', E .. 's', 'in_trends') == '1' then
  shown = redis.call('HGETALL', E .. 'td')
end

-- Applies a contribution, `sign` 1 to add it, -1 to take it back.
local function apply(contribution, sign)
  for kind, field, delta in string.gmatch(contribution, '(%a) (%S+) (%-?%d+)') do
    if kind == 'a' then
      redis.call('HINCRBY', E .. 'agg', field, sign * tonumber(delta))
    elseif kind == 't' then
      redis.call('HINCRBY', E .. 'td', field, sign * tonumber(delta))
    elseif kind == 'T' and sign < 0 then
      redis.call('HDEL', E .. 't:' .. field, rid)
    end
  end
end

local replaced = 0
if named then
  local old = redis.call('HGET', E .. 'c', rid)
  if old then
    apply(old, -1)
    replaced = 1
  end
else
  if redis.call('SADD', E .. 'used', ARGV[6]) == 0 then return {'already'} end
end

local contribution = ARGV[11]
if ARGV[12] ~= '' then
  -- The fulfilment outcome of the registration's accessibility requests, read now.
  local outcome = 'no_request'
  for _, status in ipairs(redis.call('HVALS', E .. 'a:' .. ARGV[7])) do
    if status == '5' then
      outcome = 'unfulfilled'
    elseif status == '4' and outcome ~= 'unfulfilled' then
      outcome = 'fulfilled'
    elseif outcome == 'no_request' then
      outcome = 'pending'
    end
  end
  contribution = contribution .. 'a x:' .. outcome .. ':n 1\na x:' .. outcome .. ':' ..
                 ARGV[12] .. ' 1\n'
end
apply(contribution, 1)
-- Anonymous responses go into hashes that Redis keeps as real hash tables, whose order
-- follows the (random) response ids, never the order of submission: a small hash would be a
-- listpack, which keeps insertion order (HKEYS would list responses in the order given).
-- A hash made with one value longer than hash-max-listpack-value (default 64 bytes) is a
-- hash table from the start and stays one, also when reloaded (docs/feedback.md).
local function hset_unordered(key, field, value)
  if not named and redis.call('EXISTS', key) == 0 then
    redis.call('HSET', key, UNORDERED, string.rep('-', 1024))
  end
  redis.call('HSET', key, field, value)
end

local n = tonumber(ARGV[16])
for i = 0, n - 1 do
  hset_unordered(E .. 't:' .. ARGV[17 + 2 * i], rid, ARGV[18 + 2 * i])
end
-- The trends take back what they held of this event and take, per group, the held deltas of
-- every group with at least the minimum (an edit can take a question back below it).
local function trend_add(field, delta)
  if redis.call('HINCRBY', trend, field, delta) == 0 then redis.call('HDEL', trend, field) end
end
local function trend_group(field)
  if string.sub(field, -2) == ':n' then return field end
  return string.match(field, '^(.*):[^:]*$') or field
end
for i = 1, #shown, 2 do trend_add(shown[i], -tonumber(shown[i + 1])) end
redis.call('DEL', E .. 'tr')
redis.call('HDEL', E .. 's', 'in_trends')
local held = redis.call('HGETALL', E .. 'td')
local totals = {}
for i = 1, #held, 2 do
  local group = trend_group(held[i])
  totals[group] = (totals[group] or 0) + tonumber(held[i + 1])
end
for i = 1, #held, 2 do
  local count = tonumber(held[i + 1])
  if count ~= 0 and totals[trend_group(held[i])] >= tonumber(ARGV[15]) then
    trend_add(held[i], count)
    redis.call('HSET', E .. 'tr', held[i], count)
  end
end
hset_unordered(E .. 'resp', rid, ARGV[10])
if named then
  redis.call('HSET', E .. 'c', rid, contribution)
  redis.call('HSET', E .. 'at', rid, now)
else
  hset_unordered(E .. 'at', rid, now - now % DAY_MS)
end
-- Named surveys only, and without the registration id: webhooks reach integrations, which
-- could otherwise attribute answers by differencing reports. Anonymous surveys emit nothing
-- (the stream entry's id and time would date the response to the millisecond).
if named then
  emit(stream, ARGV[1], ARGV[14], 'response_submitted', now, ARGV[3], org,
       'FeedbackResponseSubmitted', pb_str(1, ARGV[3]) .. pb_str(2, org) .. pb_int(4, replaced))
end
return {'ok', replaced}
