-- Replaces the survey definition.
-- KEYS: 1 E  2 jobs
-- ARGV: 1 event id  2 definition bytes  3 window days  4 expected version (0: any)
--       5 "1" when the change is structural  6 default window ms
-- Returns {"ok", version} | {"version", current} | {"opened", state}.
local E, jobs = KEYS[1], KEYS[2]
local s = redis.call('HMGET', E .. 's', 'version', 'state')
local version = tonumber(s[1] or '0')
local expected = tonumber(ARGV[4])
if expected ~= 0 and expected ~= version then return {'version', version} end
local state = s[2] or 'scheduled'
if ARGV[5] == '1' and state ~= 'scheduled' then return {'opened', state} end
redis.call('HSET', E .. 's', 'def', ARGV[2], 'custom', '1', 'window_days', ARGV[3],
           'version', version + 1)
schedule(E, jobs, ARGV[1], ARGV[6])
return {'ok', version + 1}
