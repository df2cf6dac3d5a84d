-- Shared by every feedback script: it is pasted in front of each one, after
-- common/redis/lua/protobuf.lua (pb_str, pb_int, emit_event).
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
-- Anonymous surveys' E.."resp", E.."at" and E.."t:"<q> also hold the field UNORDERED (below).
-- Partition keys: P.."fb:jobs" (zset "open|<event>" / "close|<event>" by due ms) and
-- P.."fb:org:<org>:trend" (the organisation's trends, per partition).
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
    redis.call('ZREM', jobs, 'open|' .. event_id)
    return
  end
  local ends = tonumber(f[2] or '0') or 0
  if ends <= 0 then return end
  redis.call('HSET', E .. 's', 'state', 'scheduled', 'opens', ends,
             'closes', ends + window_ms(E, default_window_ms))
  redis.call('ZADD', jobs, ends, 'open|' .. event_id)
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
  redis.call('HSET', E .. 's', 'state', 'open')
  redis.call('HINCRBY', E .. 's', 'invited', sent)
  redis.call('ZADD', jobs, closes, 'close|' .. event_id)
  emit(stream, maxlen, event_id .. ':feedback.survey_opened', 'survey_opened', now, event_id, org,
       'FeedbackSurveyChanged', survey_changed(E, event_id, sent))
  return sent
end

local function close_survey(E, stream, maxlen, event_id, now)
  redis.call('HSET', E .. 's', 'state', 'closed')
  local org = redis.call('HGET', E .. 'f', 'org') or ''
  emit(stream, maxlen, event_id .. ':feedback.survey_closed', 'survey_closed', now, event_id, org,
       'FeedbackSurveyChanged', survey_changed(E, event_id, 0))
end
