-- Fires the due survey jobs of one partition (common/redis/lua/jobs.lua: each is removed in
-- this script once its work is done, so a script that fails part-way leaves it to fire
-- again): opens surveys whose event has ended and closes those whose window is over. The
-- state checks make a second firing a no-op. An open job that fires at or after the closing
-- time (first deployment with past events, or a long outage) closes the survey without
-- inviting anyone: nobody could answer any more. Jobs in the old format ("open|<event>") fire
-- the same (legacy_job).
-- KEYS: 1 jobs  2 stream
-- ARGV: 1 now  2 batch  3 maxlen  4 partition key prefix ("<prefix>{p<N>}:")  5 traceparent
--       of the delayed-job poll ("" none: the events emitted carry it)
-- Returns how many surveys opened or closed.
local jobs, stream = KEYS[1], KEYS[2]
set_event_trace(ARGV[5])
local now = tonumber(ARGV[1])
local function event_prefix(event_id) return ARGV[4] .. 'fb:' .. event_id .. ':' end
return fire_due_jobs(jobs, now, tonumber(ARGV[2]), {
  open = function(event_id)
    local E = event_prefix(event_id)
    local state = redis.call('HGET', E .. 's', 'state') or 'scheduled'
    local status = redis.call('HGET', E .. 'f', 'status')
    if state ~= 'scheduled' or (status ~= '2' and status ~= '4') then return false end
    if now >= (tonumber(redis.call('HGET', E .. 's', 'closes') or '0') or 0) then
      close_survey(E, stream, ARGV[3], event_id, now, ARGV[4] .. 'fb:release')
    else
      open_survey(E, stream, ARGV[3], jobs, event_id, now)
    end
    return true
  end,
  close = function(event_id)
    local E = event_prefix(event_id)
    if (redis.call('HGET', E .. 's', 'state') or 'scheduled') ~= 'open' then return false end
    close_survey(E, stream, ARGV[3], event_id, now, ARGV[4] .. 'fb:release')
    return true
  end,
}, legacy_job)
