-- Projects one registration change (the newest version wins): its status, whether it
-- attended, and how many of the event's registrations attended. A registration that becomes
-- eligible while the survey is open (marked attended after opening, or projected late) is
-- invited then; the "inv" set keeps every invitation to once.
-- KEYS: 1 E  2 stream
-- ARGV: 1 registration id  2 status  3 attended "1"/"0"  4 version  5 event id
--       6 when the change happened (ms)  7 maxlen  8 traceparent (the consumer's, "" none:
--       the invitation emitted carries it)
local E = KEYS[1]
set_event_trace(ARGV[8])
local old = redis.call('HGET', E .. 'r', ARGV[1])
local old_attended = '0'
if old then
  local _, attended, version = string.match(old, '^(%d+):(%d):(%d+)$')
  if tonumber(version) >= tonumber(ARGV[4]) then return 0 end
  old_attended = attended
end
local value = ARGV[2] .. ':' .. ARGV[3] .. ':' .. ARGV[4]
redis.call('HSET', E .. 'r', ARGV[1], value)
if old_attended ~= ARGV[3] then
  redis.call('INCRBY', E .. 'attended', ARGV[3] == '1' and 1 or -1)
end
local s = redis.call('HMGET', E .. 's', 'state', 'closes')
local at = tonumber(ARGV[6])
if s[1] == 'open' and at < (tonumber(s[2]) or 0) then
  local tracked = tonumber(redis.call('GET', E .. 'attended') or '0') > 0
  if eligible(value, tracked) then
    local org = redis.call('HGET', E .. 'f', 'org') or ''
    local sent = invite(E, KEYS[2], ARGV[7], ARGV[5], ARGV[1], org, s[2], at)
    redis.call('HINCRBY', E .. 's', 'invited', sent)
  end
end
return 1
