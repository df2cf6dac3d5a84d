-- Shared by every accessibility script: it is pasted in front of each one, after
-- common/redis/lua/protobuf.lua (pb_str, pb_int, emit_event) and jobs.lua (the delayed jobs).
--
-- Every key of an event shares the event's hash tag "{p<N>}". Scripts get the partition's
-- prefix P = "<prefix>{p<N>}:acc:" in ARGV and derive every key from it (same slot, so
-- Redis Cluster accepts them). Layout:
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
--   P.."jobs"                       zset  delayed jobs (common/redis/lua/jobs.lua):
--                                         "risk:<request id>", "purge:<event id>" by due ms
-- Statuses are the RequestStatus numbers: 1 submitted, 2 acknowledged, 3 in progress,
-- 4 fulfilled, 5 unfulfillable, 6 withdrawn, 7 needs re-confirmation.

local ctx = {}

local function init_ctx(p, stream, maxlen, now)
  ctx.P = p
  ctx.stream = stream
  ctx.maxlen = maxlen
  ctx.now = now
end

local function req_key(id) return ctx.P .. 'r:' .. id end
local function prov_key(id) return ctx.P .. 'p:' .. id end
local function event_key(event, what) return ctx.P .. 'e:' .. event .. ':' .. what end

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
  cancel_job(ctx.P .. 'jobs', 'risk', id)
  redis.call('ZREM', ctx.P .. 'atrisk:' .. org, id)
  redis.call('HSET', req_key(id), 'at_risk', '0')
end

local function delete_details(id)
  redis.call('HDEL', req_key(id), 'key_id', 'sealed')
end

local function reg_set_key(event, reg) return ctx.P .. 'e:' .. event .. ':reg:' .. reg end
