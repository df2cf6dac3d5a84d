-- Development only: opens a scheduled survey now, as if the event had just ended.
-- KEYS: 1 E  2 jobs  3 stream
-- ARGV: 1 event id  2 now  3 maxlen  4 default window ms  5 traceparent (the caller's; ""
--       none: the events emitted carry it)
-- Returns {"ok", invitations} or {"state", state}.
local E, jobs, stream = KEYS[1], KEYS[2], KEYS[3]
set_event_trace(ARGV[5])
local state = redis.call('HGET', E .. 's', 'state') or 'scheduled'
if state ~= 'scheduled' then return {'state', state} end
local now = tonumber(ARGV[2])
redis.call('HSET', E .. 's', 'opens', now, 'closes', now + window_ms(E, ARGV[4]))
cancel_job(jobs, 'open', ARGV[1], legacy_member('open', ARGV[1]))
return {'ok', open_survey(E, stream, ARGV[3], jobs, ARGV[1], now)}
