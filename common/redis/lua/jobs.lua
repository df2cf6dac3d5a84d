-- Delayed jobs, the one format and mechanism of every service's fire script (see
-- common/redis/README.md). Pasted in front of a script, before the service's own Lua.
--
-- A partition's jobs are one sorted set (its key shares the partition's hash tag). A job is the
-- member "<kind>:<subject>" scored by its due time in unix ms: `kind` is lower-case letters and
-- names what the job does ("risk", "open", "emit"), `subject` is the id it is about (any
-- text). So a job is unique per kind and subject, and scheduling it again moves it.
--
-- Formats of before (a deployed Redis still holds them): a service passes `legacy`, the member
-- the same job had in its own old format, to schedule_job and cancel_job, which remove it, and
-- a reader of old members to fire_due_jobs, which fires them like new ones. Old members go
-- as they fire or are rescheduled.

local function job_member(kind, subject) return kind .. ':' .. subject end

-- Schedules (or moves) job `kind` of `subject` to `due_ms`.
local function schedule_job(jobs, due_ms, kind, subject, legacy)
  if legacy then redis.call('ZREM', jobs, legacy) end
  redis.call('ZADD', jobs, due_ms, job_member(kind, subject))
end

local function cancel_job(jobs, kind, subject, legacy)
  if legacy then redis.call('ZREM', jobs, legacy) end
  redis.call('ZREM', jobs, job_member(kind, subject))
end

-- Fires up to `limit` jobs of `jobs` due at `now` (ms), oldest first. handlers[kind](subject,
-- member) does one job's work and returns true when it counts as fired. `legacy` (may be nil)
-- reads a member in the service's old format: it returns kind, subject, or nil.
-- A job is removed after its handler returned, in this script: it fires once however many
-- workers run, and a script that fails part-way leaves it to fire again. A handler that
-- scheduled its own job again (another due time) keeps it. A member no handler knows is
-- removed, with a warning in the Redis log, so it does not hold back the jobs behind it.
-- Returns how many fired.
local function fire_due_jobs(jobs, now, limit, handlers, legacy)
  local due = redis.call('ZRANGEBYSCORE', jobs, '-inf', now, 'WITHSCORES', 'LIMIT', 0, limit)
  local fired = 0
  for i = 1, #due, 2 do
    local member, score = due[i], due[i + 1]
    local kind, subject = string.match(member, '^(%l+):(.+)$')
    if not kind and legacy then kind, subject = legacy(member) end
    local handler = kind and handlers[kind]
    if handler then
      if handler(subject, member) then fired = fired + 1 end
    else
      redis.log(redis.LOG_WARNING, 'dropped a delayed job no handler knows: ' .. member)
    end
    local now_score = redis.call('ZSCORE', jobs, member)
    if now_score and tonumber(now_score) == tonumber(score) then
      redis.call('ZREM', jobs, member)
    end
  end
  return fired
end
