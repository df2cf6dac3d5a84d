-- Fires the due survey jobs of one partition: opens surveys whose event has ended and
-- closes those whose window is over. A job is removed once its work is done (a script that
-- fails part-way leaves it to fire again), and the state checks make a second firing a no-op.
-- An open job that fires at or after the closing time (first deployment with past events, or
-- a long outage) closes the survey without inviting anyone: nobody could answer any more.
-- KEYS: 1 jobs  2 stream
-- ARGV: 1 now  2 batch  3 maxlen  4 partition key prefix ("<prefix>{p<N>}:")
local jobs, stream = KEYS[1], KEYS[2]
local now = tonumber(ARGV[1])
local due = redis.call('ZRANGEBYSCORE', jobs, '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
local fired = 0
for _, job in ipairs(due) do
  local action, event_id = string.match(job, '^(%a+)|(.+)$')
  local E = ARGV[4] .. 'fb:' .. event_id .. ':'
  local state = redis.call('HGET', E .. 's', 'state') or 'scheduled'
  local status = redis.call('HGET', E .. 'f', 'status')
  if action == 'open' and state == 'scheduled' and (status == '2' or status == '4') then
    if now >= (tonumber(redis.call('HGET', E .. 's', 'closes') or '0') or 0) then
      close_survey(E, stream, ARGV[3], event_id, now, ARGV[4] .. 'fb:release')
    else
      open_survey(E, stream, ARGV[3], jobs, event_id, now)
    end
    fired = fired + 1
  elseif action == 'close' and state == 'open' then
    close_survey(E, stream, ARGV[3], event_id, now, ARGV[4] .. 'fb:release')
    fired = fired + 1
  end
  redis.call('ZREM', jobs, job)
end
return fired
