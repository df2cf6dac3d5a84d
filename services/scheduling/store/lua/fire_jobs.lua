-- Fires due delayed jobs of one partition. KEYS: jobs zset, job payload hash, stream.
-- ARGV: now_ms, limit, stream maxlen, traceparent (the delayed-job poll's trace, "" none).
-- Returns the number fired. After common/redis/lua/jobs.lua.
-- One kind of job (common/redis/lua/jobs.lua), "emit:<job id>": its payload, under the same
-- member in the payload hash, is the 16 stream fields of the event to emit, packed with
-- cmsgpack by apply.lua; the "time" field is set to the firing time, and "traceparent" to
-- the poll's trace (added to a payload packed before events had one): no caller waits for
-- a reminder, so it starts a trace of its own (docs/operations.md, "Trace context"). Before the format was
-- shared a job's member was the bare job id (its payload under that id): such jobs fire the
-- same, read as "emit" jobs, and go as they fire or as their event's jobs are replaced (the
-- event hash lists the members it queued, whichever format).
return fire_due_jobs(KEYS[1], ARGV[1], ARGV[2], {
  emit = function(_, member)
    local packed = redis.call('HGET', KEYS[2], member)
    if not packed then return false end
    redis.call('HDEL', KEYS[2], member)
    local fields = cmsgpack.unpack(packed)
    local traced = false
    for i = 1, #fields - 1, 2 do
      if fields[i] == 'time' then fields[i + 1] = ARGV[1] end
      if fields[i] == 'traceparent' then
        fields[i + 1] = ARGV[4] or ''
        traced = true
      end
    end
    if not traced then
      fields[#fields + 1] = 'traceparent'
      fields[#fields + 1] = ARGV[4] or ''
    end
    redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', unpack(fields))
    return true
  end,
}, function(member) return 'emit', member end)
