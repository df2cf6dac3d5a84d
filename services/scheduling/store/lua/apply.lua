-- Applies a batch of event writes atomically (RedisEventStore::Apply). Returns {'ok'} or
-- {'conflict', event_key, stored_version} or {'series_exists'}. After common/redis/lua/jobs.lua
-- and common/bus/lua/xadd_event.lua.
-- KEYS: 1 stream, 2 jobs zset (score = due ms), 3 job payload hash, 4 upcoming index,
--       5 series hash, then per write 4 keys: event hash, org "all" index,
--       org index of the previous status, org index of the new status.
-- ARGV: 1 write count, 2 stream maxlen, 3 "1" to create the series, 4 series data, then per
--       write: expected version, new version, data, status, index member, previous index
--       member ("" on create), "1" when publicly listed, "1" to replace jobs, series id,
--       job count, per job (id, due ms, the kEventFieldCount (18) stream fields of the event
--       it will emit), event count, per event its kEventFieldCount stream fields.
-- Everything is checked before anything is written, so a refused batch changes nothing.
local nwrites = tonumber(ARGV[1])
local maxlen = ARGV[2]
local writes = {}
local pos = 5
for i = 1, nwrites do
  local w = {}
  w.key = KEYS[5 + (i - 1) * 4 + 1]
  w.org_all = KEYS[5 + (i - 1) * 4 + 2]
  w.org_old = KEYS[5 + (i - 1) * 4 + 3]
  w.org_new = KEYS[5 + (i - 1) * 4 + 4]
  w.expected = tonumber(ARGV[pos])
  w.version = ARGV[pos + 1]
  w.data = ARGV[pos + 2]
  w.status = ARGV[pos + 3]
  w.member = ARGV[pos + 4]
  w.old_member = ARGV[pos + 5]
  w.public = ARGV[pos + 6]
  w.replace_jobs = ARGV[pos + 7]
  w.series = ARGV[pos + 8]
  local njobs = tonumber(ARGV[pos + 9])
  pos = pos + 10
  w.jobs = {}
  for j = 1, njobs do
    local fields = {}
    for f = 1, kEventFieldCount do fields[f] = ARGV[pos + 1 + f] end
    w.jobs[j] = {ARGV[pos], ARGV[pos + 1], cmsgpack.pack(fields)}
    pos = pos + 2 + kEventFieldCount
  end
  local nevents = tonumber(ARGV[pos])
  w.events_at = pos + 1
  w.nevents = nevents
  pos = pos + 1 + nevents * kEventFieldCount
  writes[i] = w
end

for _, w in ipairs(writes) do
  local stored = redis.call('HGET', w.key, 'version')
  if w.expected == 0 then
    if stored then return {'conflict', w.key, stored} end
  elseif (not stored) or tonumber(stored) ~= w.expected then
    return {'conflict', w.key, stored or '0'}
  end
end
if ARGV[3] == '1' then
  if redis.call('EXISTS', KEYS[5]) == 1 then return {'series_exists'} end
  redis.call('HSET', KEYS[5], 'data', ARGV[4])
end

for _, w in ipairs(writes) do
  if w.old_member ~= '' then
    redis.call('ZREM', w.org_all, w.old_member)
    redis.call('ZREM', w.org_old, w.old_member)
    redis.call('ZREM', KEYS[4], w.old_member)
  end
  redis.call('ZADD', w.org_all, 0, w.member)
  redis.call('ZADD', w.org_new, 0, w.member)
  if w.public == '1' then redis.call('ZADD', KEYS[4], 0, w.member) end
  redis.call('HSET', w.key, 'data', w.data, 'version', w.version, 'status', w.status,
             'member', w.member, 'series', w.series)
  if w.replace_jobs == '1' then
    local old = redis.call('HGET', w.key, 'jobs')
    if old then
      for job in string.gmatch(old, '[^,]+') do
        redis.call('ZREM', KEYS[2], job)
        redis.call('HDEL', KEYS[3], job)
      end
    end
    local members = {}
    for j, job in ipairs(w.jobs) do
      schedule_job(KEYS[2], job[2], 'emit', job[1])
      members[j] = job_member('emit', job[1])
      redis.call('HSET', KEYS[3], members[j], job[3])
    end
    redis.call('HSET', w.key, 'jobs', table.concat(members, ','))
  end
  for e = 0, w.nevents - 1 do
    xadd_event(KEYS[1], maxlen, ARGV, w.events_at + e * kEventFieldCount)
  end
end
return {'ok'}
