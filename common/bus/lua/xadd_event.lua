-- xadd_event(stream_key, maxlen, argv, first): appends the domain event whose 18 stream
-- fields (common/bus/stream_fields.cc, kStreamFieldCount) start at argv[first], trimmed
-- approximately to maxlen, and returns the entry id. Put in front of a script by naming this
-- file in its events_lua_scripts() call (cmake/LuaScripts.cmake).
-- Raises a script error rather than writing a shifted or short entry when the caller's ARGV
-- index is off: a wrong entry in the outbox would reach every consumer.
-- kEventFieldCount: how many ARGV strings one event takes, for scripts that step over events
-- in their ARGV (kStreamFieldCount in C++).
local kEventFieldCount = 18
local function xadd_event(stream_key, maxlen, argv, first)
  local fields = {}
  for i = 0, kEventFieldCount - 1 do
    local value = argv[first + i]
    if value == nil then
      error('xadd_event: ARGV[' .. (first + i) .. '] is missing; pass all ' .. kEventFieldCount ..
            ' event fields (id ... data, traceparent)')
    end
    fields[i + 1] = value
  end
  if fields[1] ~= 'id' or fields[3] ~= 'type' or fields[17] ~= 'traceparent' then
    error('xadd_event: ARGV[' .. first ..
          '] does not start the event fields (id, type, ..., traceparent)')
  end
  return redis.call('XADD', stream_key, 'MAXLEN', '~', maxlen, '*', unpack(fields))
end
