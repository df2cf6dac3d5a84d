-- Applies a Batch (store/accessibility_store.h) to one event: everything is checked before
-- anything is written, so a refused batch changes nothing.
-- ARGV: 1 P  2 stream  3 maxlen  4 now  5 event id  6 purge due ms ("0": keep, unless details
--       are written, see below)
--       7 facts mode ("0" none, "1" store only if none are stored, "2" store if newer), then
--         8 version 9 org 10 status 11 start 12 end 13 zone
--       14 expected facts version ("": unchecked, "0": none stored)
--       15 expected request count of the event ("": unchecked)
--       16 retention ms (required when a ciphertext is written; "": not given, "0": purge
--          as soon as the event ends)
--       17 request count, then per request 17 values:
--          id, expected version (0: new), registration id, unlink "1", event kind, previous
--          status, at-risk due ("": keep, "0": remove, ms: set), delete details "1",
--          transition ("" or a RequestTransition), data, status, version, org, late,
--          deadline, key id, sealed
--       then the provision count, then per provision 7 values:
--          id, expected version, event kind, data, status, version, org
-- Whenever a ciphertext is written, the event's purge job is (re)armed at the stored end of
-- the event plus the retention time (now plus it without stored facts), so no details
-- escape retention, even written after the purge fired (the job then fires at once).
-- Returns {"ok"}, {"conflict", id, stored version}, {"exists", request id} or
-- {"no_retention"}.
init_ctx(ARGV[1], ARGV[2], ARGV[3], ARGV[4])
local event = ARGV[5]
local HEAD = 17
local nreq = tonumber(ARGV[HEAD])
local R = 17
local prov_at = HEAD + 1 + nreq * R
local nprov = tonumber(ARGV[prov_at])
local P = 7
local facts_key = event_key(event, 'facts')

local function check(key, id, expected)
  local stored = redis.call('HGET', key, 'version')
  if tonumber(expected) == 0 then
    if stored then return {'conflict', id, stored} end
  elseif (not stored) or tonumber(stored) ~= tonumber(expected) then
    return {'conflict', id, stored or '0'}
  end
  return nil
end

if ARGV[14] ~= '' then
  local stored = redis.call('HGET', facts_key, 'version') or '0'
  if tonumber(stored) ~= tonumber(ARGV[14]) then
    return {'conflict', 'the facts of event ' .. event, stored}
  end
end
if ARGV[15] ~= '' then
  local n = redis.call('ZCARD', event_key(event, 'requests'))
  if n ~= tonumber(ARGV[15]) then
    return {'conflict', 'the request list of event ' .. event, tostring(n)}
  end
end
local writes_details = false
for i = 0, nreq - 1 do
  local a = HEAD + 1 + i * R
  if ARGV[a + 7] ~= '1' and ARGV[a + 15] ~= '' then writes_details = true end
end
if writes_details and tonumber(ARGV[16]) == nil then return {'no_retention'} end
for i = 0, nreq - 1 do
  local a = HEAD + 1 + i * R
  local refused = check(req_key(ARGV[a]), ARGV[a], ARGV[a + 1])
  if refused then return refused end
  if tonumber(ARGV[a + 1]) == 0 and ARGV[a + 2] ~= '' then
    local existing = redis.call('HGET', event_key(event, 'byreg'), ARGV[a + 2])
    if existing and redis.call('HGET', req_key(existing), 'status') ~= '6' then
      return {'exists', existing}
    end
  end
end
for i = 0, nprov - 1 do
  local a = prov_at + 1 + i * P
  local refused = check(prov_key(ARGV[a]), ARGV[a], ARGV[a + 1])
  if refused then return refused end
end

if ARGV[7] ~= '0' then
  local stored = redis.call('HGET', facts_key, 'version')
  if (ARGV[7] == '1' and not stored) or
     (ARGV[7] == '2' and tonumber(stored or '-1') < tonumber(ARGV[8])) then
    redis.call('HSET', facts_key, 'version', ARGV[8], 'org', ARGV[9], 'status', ARGV[10],
               'start', ARGV[11], 'end', ARGV[12], 'zone', ARGV[13])
  end
end

for i = 0, nreq - 1 do
  local a = HEAD + 1 + i * R
  local id, reg = ARGV[a], ARGV[a + 2]
  local key = req_key(id)
  local org = ARGV[a + 12]
  if tonumber(ARGV[a + 1]) == 0 then
    redis.call('ZADD', event_key(event, 'requests'), ctx.now, id)
    redis.call('HSET', key, 'event', event, 'created', ctx.now)
    if reg ~= '' then
      redis.call('HSET', event_key(event, 'byreg'), reg, id)
      redis.call('SADD', reg_set_key(event, reg), id)
    end
  end
  redis.call('HSET', key, 'data', ARGV[a + 9], 'status', ARGV[a + 10], 'version', ARGV[a + 11],
             'org', org, 'reg', reg, 'late', ARGV[a + 13], 'deadline', ARGV[a + 14],
             'updated', ctx.now)
  if ARGV[a + 7] == '1' then
    delete_details(id)
  elseif ARGV[a + 15] ~= '' then
    redis.call('HSET', key, 'key_id', ARGV[a + 15], 'sealed', ARGV[a + 16])
  end
  if ARGV[a + 3] == '1' then
    -- Erasure: every request the registration ever had forgets it, and loses its details.
    local old = redis.call('HGET', key, 'reg_link')
    for _, r in ipairs({old, reg}) do
      if r and r ~= '' then
        for _, other in ipairs(redis.call('SMEMBERS', reg_set_key(event, r))) do
          if other ~= id then
            delete_details(other)
            redis.call('HSET', req_key(other), 'reg', '')
            redis.call('HDEL', req_key(other), 'reg_link')
            -- A change read before this erasure must not write the link back.
            redis.call('HINCRBY', req_key(other), 'version', 1)
          end
        end
        redis.call('DEL', reg_set_key(event, r))
        redis.call('HDEL', event_key(event, 'byreg'), r)
      end
    end
    redis.call('HSET', key, 'reg', '')
    redis.call('HDEL', key, 'reg_link')
  elseif reg ~= '' then
    redis.call('HSET', key, 'reg_link', reg)
  end
  if ARGV[a + 8] ~= '' then redis.call('RPUSH', key .. ':log', ARGV[a + 8]) end
  local risk = ARGV[a + 6]
  if risk ~= '' then
    clear_risk(id, org)
    if tonumber(risk) > 0 then schedule_job(ctx.P .. 'jobs', risk, 'risk', id) end
  end
  if ARGV[a + 4] ~= '' then emit_request(ARGV[a + 4], id, ARGV[a + 5]) end
end

for i = 0, nprov - 1 do
  local a = prov_at + 1 + i * P
  local id = ARGV[a]
  local key = prov_key(id)
  if tonumber(ARGV[a + 1]) == 0 then
    redis.call('ZADD', event_key(event, 'provisions'), ctx.now, id)
    redis.call('HSET', key, 'event', event, 'created', ctx.now)
  end
  redis.call('HSET', key, 'data', ARGV[a + 3], 'status', ARGV[a + 4], 'version', ARGV[a + 5],
             'org', ARGV[a + 6], 'updated', ctx.now)
  if ARGV[a + 2] ~= '' then emit_provision(ARGV[a + 2], id) end
end

local purge = tonumber(ARGV[6])
if purge <= 0 and writes_details then
  local ends = redis.call('HGET', facts_key, 'end')
  purge = (ends and tonumber(ends) or tonumber(ctx.now)) + tonumber(ARGV[16])
end
if purge > 0 then
  schedule_job(ctx.P .. 'jobs', purge, 'purge', event)
end
return {'ok'}
