-- Shared by every accessibility script that derives keys (apply, fire): it is pasted in front
-- of each one, after common/redis/lua/protobuf.lua (pb_str, pb_int, emit_event) and jobs.lua
-- (the delayed jobs). The script text starts with "#!lua" (the store adds it), so Redis
-- Cluster refuses any key of another slot than the script's KEYS.
--
-- The key contract. A script is routed to its node by its KEYS, so every key whose name is
-- fixed for the call is in KEYS (each script's header lists them). Keys the script can only
-- name as it runs (a request's, a provision's, a registration's, an organisation's at-risk
-- index, the requests of an event named by a job) are made by derived_key() and only there,
-- from the base every declared key shares: the text up to and including the partition's
-- hash tag, "<prefix>{p<N>}:". init_ctx checks that every KEYS entry has that same base (so
-- passing keys of two partitions fails on a single Redis too, not only in a cluster) and
-- fails a script called without KEYS. No key name or prefix comes from ARGV.
--
-- Layout (P = "<prefix>{p<N>}:acc:", N the event's partition):
--   P.."e:"..<event>..":facts"      hash  org, status, version, start, end, zone
--   P.."e:"..<event>..":requests"   zset  request ids by creation time
--   P.."e:"..<event>..":byreg"      hash  registration id -> request id (the newest)
--   P.."e:"..<event>..":reg:"..<reg> set   every request id the registration ever had (so
--                                         erasure unlinks them all)
--   P.."e:"..<event>..":provisions" zset  provision ids by creation time
--   P.."e:"..<event>..":counts"     hash  the counts as last published (counts.lua): v, at,
--                                         r:<request id> -> status|late|at_risk|needs
--   P.."r:"..<id>                   hash  data (AccessibilityRequest without status,
--                                         version, details, history, registration id),
--                                         status, version, org,
--                                         event, reg, late, deadline, at_risk, created,
--                                         key_id + sealed (the encrypted details)
--   P.."r:"..<id>..":log"           list  RequestTransition messages, oldest first
--   P.."p:"..<id>                   hash  data (Provision without status, version), status,
--                                         version, org, created
--   P.."atrisk:"..<org>             zset  request ids at risk, by deadline
--   P.."riskorgs"                   set   the organisations whose atrisk zset in this
--                                         partition is not empty (read by risk_counts.lua
--                                         for the metrics; kept with the zsets, below)
--   P.."jobs"                       zset  delayed jobs (common/redis/lua/jobs.lua):
--                                         "risk:<request id>", "purge:<event id>" by due ms
--   "<prefix>{p<N>}:events"         stream the partition's domain events
-- Request and provision ids embed their event's id core, so they share its partition.
-- Statuses are the RequestStatus numbers: 1 submitted, 2 acknowledged, 3 in progress,
-- 4 fulfilled, 5 unfulfillable, 6 withdrawn, 7 needs re-confirmation.

local ctx = {}

-- declared_base() is common/redis/lua/keys.lua put in front of this file.

-- jobs and stream are declared keys (the partition's job queue and event stream).
-- `traceparent`: the trace the events emitted carry (protobuf.lua, set_event_trace): the
-- calling request's, or the delayed-job poll's.
local function init_ctx(jobs, stream, maxlen, now, traceparent)
  set_event_trace(traceparent)
  ctx.P = declared_base() .. 'acc:'
  ctx.jobs = jobs
  ctx.stream = stream
  ctx.maxlen = maxlen
  ctx.now = now
end

-- The one place a key is named inside a script: under the declared keys' partition.
local function derived_key(suffix) return ctx.P .. suffix end

local function req_key(id) return derived_key('r:' .. id) end
local function prov_key(id) return derived_key('p:' .. id) end
local function event_key(event, what) return derived_key('e:' .. event .. ':' .. what) end
local function reg_set_key(event, reg) return derived_key('e:' .. event .. ':reg:' .. reg) end
local function atrisk_key(org) return derived_key('atrisk:' .. org) end
local function riskorgs_key() return derived_key('riskorgs') end

-- Indexes request `id` (open, at risk) by its deadline under its organisation.
local function mark_risk(id, org, deadline)
  redis.call('ZADD', atrisk_key(org), deadline, id)
  redis.call('SADD', riskorgs_key(), org)
end

local function xadd(id, kind, subject, org, data_type, data)
  emit_event(ctx.stream, ctx.maxlen, id, 'accessibility.' .. kind, 'accessibility', ctx.now,
             subject, org, data_type, data)
end

-- Appends accessibility.<kind> for request `id` as it now is (AccessibilityRequestChanged:
-- ids, statuses and times only).
local function emit_request(kind, id, previous_status)
  local f = redis.call('HMGET', req_key(id), 'event', 'reg', 'org', 'status', 'late',
                       'deadline', 'version')
  local data = pb_str(1, id) .. pb_str(2, f[1]) .. pb_str(3, f[2]) .. pb_str(4, f[3]) ..
               pb_int(5, f[4]) .. pb_int(6, previous_status) .. pb_int(7, f[5]) ..
               pb_int(8, f[6]) .. pb_int(9, f[7])
  xadd(id .. ':' .. kind .. ':' .. (f[7] or '0'), kind, id, f[3] or '',
       'events.v1.AccessibilityRequestChanged', data)
end

-- Appends accessibility.<kind> for provision `id` (AccessibilityProvisionChanged).
local function emit_provision(kind, id)
  local f = redis.call('HMGET', prov_key(id), 'event', 'org', 'status', 'version')
  local data = pb_str(1, id) .. pb_str(2, f[1]) .. pb_str(3, f[2]) .. pb_int(4, f[3]) ..
               pb_int(5, f[4])
  xadd(id .. ':' .. kind .. ':' .. (f[4] or '0'), kind, id, f[2] or '',
       'events.v1.AccessibilityProvisionChanged', data)
end

local function is_open(status)
  status = tonumber(status)
  return status == 1 or status == 2 or status == 3 or status == 7
end

local function clear_risk(id, org)
  cancel_job(ctx.jobs, 'risk', id)
  redis.call('ZREM', atrisk_key(org), id)
  if redis.call('ZCARD', atrisk_key(org)) == 0 then redis.call('SREM', riskorgs_key(), org) end
  redis.call('HSET', req_key(id), 'at_risk', '0')
end

local function delete_details(id)
  redis.call('HDEL', req_key(id), 'key_id', 'sealed')
end
