-- Stores scheduling's facts of an event (the newest version wins) and schedules the survey.
-- KEYS: 1 E  2 jobs
-- ARGV: 1 event id  2 org  3 series  4 status  5 end ms  6 time zone  7 month  8 version
--       9 default window ms
local E, jobs = KEYS[1], KEYS[2]
local stored = tonumber(redis.call('HGET', E .. 'f', 'version') or '-1')
if stored >= tonumber(ARGV[8]) then return 0 end
redis.call('HSET', E .. 'f', 'org', ARGV[2], 'series', ARGV[3], 'status', ARGV[4], 'end', ARGV[5],
           'tz', ARGV[6], 'month', ARGV[7], 'version', ARGV[8])
schedule(E, jobs, ARGV[1], ARGV[9])
return 1
