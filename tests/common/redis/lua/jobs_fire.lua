-- The test fire script of jobs_lua_test.cc: common/redis/lua/jobs.lua comes first.
-- KEYS: 1 jobs  2 log (a list of what the handlers did)  ARGV: 1 now  2 limit
return fire_due_jobs(KEYS[1], ARGV[1], ARGV[2], {
  note = function(_, member)
    redis.call('RPUSH', KEYS[2], member)
    return true
  end,
  skip = function(subject)
    redis.call('RPUSH', KEYS[2], 'skip ' .. subject)
    return false
  end,
  again = function(subject)
    schedule_job(KEYS[1], tonumber(ARGV[1]) + 1000, 'again', subject)
    return true
  end,
  fail = function(subject)
    redis.call('RPUSH', KEYS[2], 'fail ' .. subject)
    redis.call('INCR', KEYS[1])
    return true
  end,
}, function(member)
  local subject = string.match(member, '^old|(.+)$')
  if subject then return 'note', subject end
  return nil
end)
