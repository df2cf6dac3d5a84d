-- Shared by the services' Lua scripts: put in front of a script, before the service's own
-- common.lua, by naming it in the script's events_lua_scripts() call (cmake/LuaScripts.cmake). Pure functions, plus the one stream append.

-- Protobuf wire format, enough for the payloads: strings and non-negative integers.
local function pb_varint(n)
  if n < 128 then return string.char(n) end
  local out = {}
  repeat
    local byte = n % 128
    n = math.floor(n / 128)
    if n > 0 then byte = byte + 128 end
    out[#out + 1] = string.char(byte)
  until n == 0
  return table.concat(out)
end
local function pb_str(field, s)
  if s == nil or s == false or s == '' then return '' end
  return pb_varint(field * 8 + 2) .. pb_varint(#s) .. s
end
local function pb_int(field, n)
  n = tonumber(n) or 0
  if n <= 0 then return '' end
  return pb_varint(field * 8) .. pb_varint(n)
end

-- The traceparent of the call the script runs for (W3C, "00-<trace>-<span>-<flags>"; '' when
-- none): every event emit_event appends carries it, so the consumers' work joins that trace
-- (docs/operations.md, "Trace context"). A script sets it from what its store passed (the
-- call's, logging::CurrentTraceParent) before emitting, per record when one script call
-- serves several callers.
local event_traceparent = ''
local function set_event_trace(traceparent)
  if type(traceparent) ~= 'string' then traceparent = '' end
  event_traceparent = traceparent
end

-- Appends one domain event to the partition stream (transactional outbox), with the
-- envelope fields every consumer reads (common/bus/stream_fields.cc), traceparent always
-- written, '' when none.
local function emit_event(stream, maxlen, id, type, source, time, subject, org, data_type, data)
  redis.call('XADD', stream, 'MAXLEN', '~', maxlen, '*', 'id', id, 'type', type,
             'source', source, 'time', time, 'subject', subject, 'org', org,
             'data_type', data_type, 'data', data, 'traceparent', event_traceparent)
end
