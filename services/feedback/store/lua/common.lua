-- Shared by every feedback script: it is pasted in front of each one, after
-- common/redis/lua/protobuf.lua (pb_str, pb_int, emit_event) and jobs.lua (the delayed jobs).
--
-- Keys of an event share the hash tag of its partition. Scripts get E = "<prefix>{p<N>}:fb:<event id>:"
-- and derive the event's keys from it (same slot, so Redis Cluster accepts them):
--   E.."f"        hash  facts from scheduling: org, series, status, end, tz, month, version
--   E.."s"        hash  survey: def (SurveyDefinition bytes; absent: the default), custom,
--                       version, window_days, opens, closes, state, invited
--   E.."r"        hash  registration id -> "status:attended:version" (from registration.*)
--   E.."attended" string how many registrations are marked attended
--   E.."ar"       hash  accessibility request id -> "registration id|status|version"
--   E.."a:"<reg>  hash  request id -> status, per registration (the fulfilment outcome)
--   E.."an"       hash  request status -> how many requests are in it
--   E.."inv"      set   registrations invited (so an invitation goes out once)
--   E.."agg"      hash  report aggregates (services/feedback/rules/aggregates.h)
--   E.."t:"<q>    hash  response id -> free text (redacted) of question q
--   E.."resp"     hash  response id -> answers (SubmitResponseRequest bytes, no token)
--   E.."at"       hash  response id -> submitted time (anonymous: the day only)
--   E.."c"        hash  registration id -> its contribution, to take back on an edit (named)
--   E.."td"       hash  the event's trend deltas, all of them
--   E.."tr"       hash  the part of E.."td" now in the organisation's trends: each group (K:n,
--                       K:r:*, K:s:*) whose event count is at least the minimum
--   E.."used"     set   keyed markers of registrations that answered (anonymous: HMAC under a
--                       key only the service holds, so no link to a response)
--   E.."held"     hash  anonymous answers not in the figures yet: random id -> answers sealed
--                       (AES-256-GCM) with a key only the service holds; release.lua adds them
--                       to the figures in shuffled batches of at least the minimum group
-- Anonymous surveys' E.."resp", E.."at" and E.."t:"<q> also hold the field UNORDERED (below).
-- Partition keys: P.."fb:jobs" (delayed jobs, common/redis/lua/jobs.lua: "open:<event>" /
-- "close:<event>" by due ms; before, "open|<event>" / "close|<event>", see legacy_job),
-- P.."fb:org:<org>:trend" (the organisation's trends, per partition) and P.."fb:release" (set
-- of events whose survey closed with answers still held: the window worker releases them).
-- E.."s" also keeps `tracked` ("1"/"0"): whether attendance was tracked when the survey
-- opened, which fixes who may answer (submit.lua).
-- States: scheduled, open, closed, cancelled.

local DAY_MS = 86400000
-- The field that makes an anonymous survey's E.."resp", E.."at" and E.."t:"<q> real hash
-- tables (submit.lua); readers skip it. Response and registration ids never take this form.
local UNORDERED = '_unordered'

-- Appends one domain event to the partition stream (transactional outbox).
local function emit(stream, maxlen, id, kind, now, subject, org, data_type, data)
  emit_event(stream, maxlen, id, 'feedback.' .. kind, 'feedback', now, subject, org or '',
             'events.v1.' .. data_type, data)
end

local function survey_changed(E, event_id, invitations)
  local s = redis.call('HMGET', E .. 's', 'opens', 'closes')
  local org = redis.call('HGET', E .. 'f', 'org') or ''
  return pb_str(1, event_id) .. pb_str(2, org) .. pb_int(3, s[1]) .. pb_int(4, s[2]) ..
         pb_int(5, invitations)
end

-- The survey jobs' members before the format was shared ("open|<event>", "close|<event>"):
-- a deployed Redis may still hold them, so they are read (legacy_job, for fire_due_jobs) and
-- removed when the job is moved or cancelled (legacy_member), until none is left.
local function legacy_member(kind, event_id) return kind .. '|' .. event_id end
local function legacy_job(member) return string.match(member, '^(%l+)|(.+)$') end

local function window_ms(E, default_window_ms)
  local days = tonumber(redis.call('HGET', E .. 's', 'window_days') or '0') or 0
  if days > 0 then return days * DAY_MS end
  return tonumber(default_window_ms)
end

-- Sets the window from the facts while the survey has not opened, and (re)queues the job
-- that opens it; a cancelled event's survey never opens.
local function schedule(E, jobs, event_id, default_window_ms)
  local state = redis.call('HGET', E .. 's', 'state') or 'scheduled'
  if state ~= 'scheduled' then return end
  local f = redis.call('HMGET', E .. 'f', 'status', 'end')
  if f[1] == '3' then
    redis.call('HSET', E .. 's', 'state', 'cancelled')
    cancel_job(jobs, 'open', event_id, legacy_member('open', event_id))
    return
  end
  local ends = tonumber(f[2] or '0') or 0
  if ends <= 0 then return end
  redis.call('HSET', E .. 's', 'state', 'scheduled', 'opens', ends,
             'closes', ends + window_ms(E, default_window_ms))
  schedule_job(jobs, ends, 'open', event_id, legacy_member('open', event_id))
end

-- Whether registration `value` ("status:attended:version") is invited: confirmed (status 1),
-- and attended when attendance was tracked (a cancelled registration marked attended is not).
-- The same rule as who may answer (submit.lua).
local function eligible(value, tracked)
  local status, attended = string.match(value, '^(%d+):(%d)')
  return status == '1' and (not tracked or attended == '1')
end

-- Emits one feedback.invitation_due unless the registration was invited already (the
-- "inv" set keeps it to once). Returns 1 when sent, else 0.
local function invite(E, stream, maxlen, event_id, reg, org, closes, now)
  if redis.call('SADD', E .. 'inv', reg) == 0 then return 0 end
  local data = pb_str(1, event_id) .. pb_str(2, reg) .. pb_str(3, org) .. pb_int(4, closes)
  emit(stream, maxlen, event_id .. ':' .. reg .. ':feedback.invitation_due', 'invitation_due', now,
       reg, org, 'FeedbackInvitationDue', data)
  return 1
end

-- Opens the survey now: one feedback.invitation_due per eligible registration not invited
-- yet, feedback.survey_opened, and the job that closes it. Returns the invitations sent.
local function open_survey(E, stream, maxlen, jobs, event_id, now)
  local org = redis.call('HGET', E .. 'f', 'org') or ''
  local closes = redis.call('HGET', E .. 's', 'closes')
  local tracked = tonumber(redis.call('GET', E .. 'attended') or '0') > 0
  local regs = redis.call('HGETALL', E .. 'r')
  local sent = 0
  for i = 1, #regs, 2 do
    if eligible(regs[i + 1], tracked) then
      sent = sent + invite(E, stream, maxlen, event_id, regs[i], org, closes, now)
    end
  end
  redis.call('HSET', E .. 's', 'state', 'open', 'tracked', tracked and '1' or '0')
  redis.call('HINCRBY', E .. 's', 'invited', sent)
  schedule_job(jobs, closes, 'close', event_id, legacy_member('close', event_id))
  emit(stream, maxlen, event_id .. ':feedback.survey_opened', 'survey_opened', now, event_id, org,
       'FeedbackSurveyChanged', survey_changed(E, event_id, sent))
  return sent
end

-- Closes the survey; when anonymous answers are still held, queues the event in the
-- partition's release set (P.."fb:release", `release`), where the window worker finds it.
local function close_survey(E, stream, maxlen, event_id, now, release)
  redis.call('HSET', E .. 's', 'state', 'closed')
  if redis.call('HLEN', E .. 'held') > 0 then redis.call('SADD', release, event_id) end
  local org = redis.call('HGET', E .. 'f', 'org') or ''
  emit(stream, maxlen, event_id .. ':feedback.survey_closed', 'survey_closed', now, event_id, org,
       'FeedbackSurveyChanged', survey_changed(E, event_id, 0))
end

-- Applies a contribution ("a|t <field> <delta>" lines; "T <question> 0" for texts) to the
-- event's aggregates (a) and trend deltas (t), `sign` 1 to add it, -1 to take it back (then
-- the texts of response `rid` go too).
local function apply_contribution(E, contribution, sign, rid)
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

-- Anonymous responses go into hashes that Redis keeps as real hash tables, whose order
-- follows the (random) response ids, never the order they were written in: a small hash
-- would be a listpack, which keeps insertion order. A hash made with one value longer than
-- hash-max-listpack-value (default 64 bytes) is a hash table from the start and stays one,
-- also when reloaded (docs/feedback.md).
local function hset_unordered(key, field, value)
  if redis.call('EXISTS', key) == 0 then
    redis.call('HSET', key, UNORDERED, string.rep('-', 1024))
  end
  redis.call('HSET', key, field, value)
end

-- What the organisation's trends hold of the event now, read before the event's trend deltas
-- change: E.."tr"; or, for events that reached the trends before per-group release (no
-- E.."tr" but in_trends = 1), all of E.."td".
local function trends_shown(E)
  local shown = redis.call('HGETALL', E .. 'tr')
  if #shown == 0 and redis.call('HGET', E .. 's', 'in_trends') == '1' then
    shown = redis.call('HGETALL', E .. 'td')
  end
  return shown
end

-- Brings the organisation's trend hash `trend` up to date with the event's trend deltas:
-- takes back `shown` (trends_shown, read before the change) and adds, per group (K:n, K:r,
-- K:s), the event's deltas of every group with at least `min` in it, and nothing of the
-- others (ReleasedTrendFields in rules/aggregates.h is the same rule).
local function refresh_trends(E, trend, min, shown)
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
    if count ~= 0 and totals[trend_group(held[i])] >= min then
      trend_add(held[i], count)
      redis.call('HSET', E .. 'tr', held[i], count)
    end
  end
end
