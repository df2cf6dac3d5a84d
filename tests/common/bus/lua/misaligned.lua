-- xadd_event pointed at the wrong ARGV index (event_bus_test.cc): it must fail, not write.
return xadd_event(KEYS[1], ARGV[1], ARGV, 3)
