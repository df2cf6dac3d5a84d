-- Applies a Batch (store/accessibility_store.h) to one event: everything is checked before
-- anything is written, so a refused batch changes nothing.
-- KEYS: 1 P.."e:"..<event>..":facts"  2 P.."e:"..<event>..":requests"
--       3 P.."e:"..<event>..":byreg"  4 P.."e:"..<event>..":provisions"  5 P.."jobs"
--       6 the partition's stream; every other key through derived_key (common.lua).
-- ARGV: 1 the batch record, then one record per request write, then one per provision write
--       (MessagePack maps, common/redis/msgpack.h; an absent field is nil):
--   batch:     event, now, maxlen (of the stream), traceparent (the caller's trace, ""
--              none: the events emitted carry it), purge_due_ms (0: keep, unless details
--              are written, see below), facts_write (absent: none; "if_none": store only if
--              none are stored; "if_newer": store if newer) with facts_version, facts_org,
--              facts_status, facts_start, facts_end, facts_zone; expected_facts_version
--              (absent: unchecked; 0: none stored), expected_request_count (absent:
--              unchecked), retention_ms (required when a ciphertext is written; 0: purge as
--              soon as the event ends), requests and provisions (how many records follow)
--   request:   id, expected_version (0: new), reg, unlink, event_kind (absent: no event),
--              previous_status, at_risk_due (absent: keep; 0: remove; ms: set),
--              delete_details, transition (a RequestTransition to log), data, status,
--              version, org, late, deadline, key_id + sealed (absent: no ciphertext written)
--   provision: id, expected_version, event_kind, data, status, version, org
-- Whenever a ciphertext is written, the event's purge job is (re)armed at the stored end of
-- the event plus the retention time (now plus it without stored facts), so no details
-- escape retention, even written after the purge fired (the job then fires at once).
-- Returns {"ok"}, {"conflict", id, stored version}, {"exists", request id} or
-- {"no_retention"}.
local batch = cmsgpack.unpack(ARGV[1])
init_ctx(KEYS[5], KEYS[6], batch.maxlen, batch.now, batch.traceparent)
local event = batch.event
local facts_key, requests_key, byreg_key, provisions_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local requests, provisions = {}, {}
for i = 1, batch.requests do requests[i] = cmsgpack.unpack(ARGV[1 + i]) end
for i = 1, batch.provisions do
  provisions[i] = cmsgpack.unpack(ARGV[1 + batch.requests + i])
end

local function check(key, id, expected)
  local stored = redis.call('HGET', key, 'version')
  if expected == 0 then
    if stored then return {'conflict', id, stored} end
  elseif (not stored) or tonumber(stored) ~= expected then
    return {'conflict', id, stored or '0'}
  end
  return nil
end

if batch.expected_facts_version then
  local stored = redis.call('HGET', facts_key, 'version') or '0'
  if tonumber(stored) ~= batch.expected_facts_version then
    return {'conflict', 'the facts of event ' .. event, stored}
  end
end
if batch.expected_request_count then
  local n = redis.call('ZCARD', requests_key)
  if n ~= batch.expected_request_count then
    return {'conflict', 'the request list of event ' .. event, tostring(n)}
  end
end
local writes_details = false
for _, r in ipairs(requests) do
  if not r.delete_details and r.key_id then writes_details = true end
end
if writes_details and not batch.retention_ms then return {'no_retention'} end
for _, r in ipairs(requests) do
  local refused = check(req_key(r.id), r.id, r.expected_version)
  if refused then return refused end
  if r.expected_version == 0 and r.reg ~= '' then
    local existing = redis.call('HGET', byreg_key, r.reg)
    if existing and redis.call('HGET', req_key(existing), 'status') ~= '6' then
      return {'exists', existing}
    end
  end
end
for _, p in ipairs(provisions) do
  local refused = check(prov_key(p.id), p.id, p.expected_version)
  if refused then return refused end
end

if batch.facts_write then
  local stored = redis.call('HGET', facts_key, 'version')
  if (batch.facts_write == 'if_none' and not stored) or
     (batch.facts_write == 'if_newer' and tonumber(stored or '-1') < batch.facts_version) then
    redis.call('HSET', facts_key, 'version', batch.facts_version, 'org', batch.facts_org,
               'status', batch.facts_status, 'start', batch.facts_start, 'end', batch.facts_end,
               'zone', batch.facts_zone)
  end
end

for _, r in ipairs(requests) do
  local id, reg, org = r.id, r.reg, r.org
  local key = req_key(id)
  if r.expected_version == 0 then
    redis.call('ZADD', requests_key, ctx.now, id)
    redis.call('HSET', key, 'event', event, 'created', ctx.now)
    if reg ~= '' then
      redis.call('HSET', byreg_key, reg, id)
      redis.call('SADD', reg_set_key(event, reg), id)
    end
  end
  redis.call('HSET', key, 'data', r.data, 'status', r.status, 'version', r.version, 'org', org,
             'reg', reg, 'late', r.late and '1' or '0', 'deadline', r.deadline,
             'updated', ctx.now)
  if r.delete_details then
    delete_details(id)
  elseif r.key_id then
    redis.call('HSET', key, 'key_id', r.key_id, 'sealed', r.sealed)
  end
  if r.unlink then
    -- Erasure: every request the registration ever had forgets it, and loses its details.
    local old = redis.call('HGET', key, 'reg_link')
    for _, linked in ipairs({old, reg}) do
      if linked and linked ~= '' then
        for _, other in ipairs(redis.call('SMEMBERS', reg_set_key(event, linked))) do
          if other ~= id then
            delete_details(other)
            redis.call('HSET', req_key(other), 'reg', '')
            redis.call('HDEL', req_key(other), 'reg_link')
            -- A change read before this erasure must not write the link back.
            redis.call('HINCRBY', req_key(other), 'version', 1)
          end
        end
        redis.call('DEL', reg_set_key(event, linked))
        redis.call('HDEL', byreg_key, linked)
      end
    end
    redis.call('HSET', key, 'reg', '')
    redis.call('HDEL', key, 'reg_link')
  elseif reg ~= '' then
    redis.call('HSET', key, 'reg_link', reg)
  end
  if r.transition then redis.call('RPUSH', key .. ':log', r.transition) end
  if r.at_risk_due then
    clear_risk(id, org)
    if r.at_risk_due > 0 then schedule_job(ctx.jobs, r.at_risk_due, 'risk', id) end
  end
  if r.event_kind then emit_request(r.event_kind, id, r.previous_status) end
end

for _, p in ipairs(provisions) do
  local key = prov_key(p.id)
  if p.expected_version == 0 then
    redis.call('ZADD', provisions_key, ctx.now, p.id)
    redis.call('HSET', key, 'event', event, 'created', ctx.now)
  end
  redis.call('HSET', key, 'data', p.data, 'status', p.status, 'version', p.version, 'org', p.org,
             'updated', ctx.now)
  if p.event_kind then emit_provision(p.event_kind, p.id) end
end

local purge = batch.purge_due_ms
if purge <= 0 and writes_details then
  local ends = redis.call('HGET', facts_key, 'end')
  purge = (ends and tonumber(ends) or ctx.now) + batch.retention_ms
end
if purge > 0 then schedule_job(ctx.jobs, purge, 'purge', event) end
return {'ok'}
