-- A state change and its event in one script, as the stores do it (event_bus_test.cc);
-- common/bus/lua/xadd_event.lua comes first.
redis.call('SET', KEYS[2], 'changed')
return xadd_event(KEYS[1], ARGV[1], ARGV, 2)
