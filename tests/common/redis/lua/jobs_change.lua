-- The test change script of jobs_lua_test.cc: common/redis/lua/jobs.lua comes first.
-- KEYS: 1 jobs  ARGV: 1 "schedule" or "cancel"  2 due ms  3 kind  4 subject  5 legacy ("": none)
local legacy = ARGV[5] ~= '' and ARGV[5] or nil
if ARGV[1] == 'schedule' then
  schedule_job(KEYS[1], ARGV[2], ARGV[3], ARGV[4], legacy)
else
  cancel_job(KEYS[1], ARGV[3], ARGV[4], legacy)
end
return 1
