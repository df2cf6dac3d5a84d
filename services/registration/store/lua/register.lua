-- Register N attendees of one event, in order: for each, rate limits, idempotency, the
-- event's window, duplicate e-mail, then a place, a place on the waiting list, or approval,
-- with its domain events. N is 1 for a call on its own; the service's EvalQueue groups the
-- registrations for one event that arrive together into one call (common/redis/eval_queue.h),
-- so the event's facts, settings and counts are read and written once for the group. Each
-- registration sees the ones before it exactly as if it had run in a script of its own.
-- KEYS: 1-6 the event's (common.lua, K): facts, settings, counts, emails, all, the
--       partition stream. Per registration, R..<id> and its history, the waiting list,
--       status and pool indexes, the idempotency record B.."idem:<hash>" and the rate-limit
--       counters are derived (common.lua, derive): a group shares its KEYS. So is
--       scheduling's event hash, read only.
-- ARGV: 1 event id  2 stream maxlen  3 N  then N records (cmsgpack maps), one per
--       registration, with these fields:
--   now           unix ms of the request
--   id            the registration id
--   data          the Registration proto bytes (without the fields kept beside it)
--   email         the normalised e-mail address
--   token         the SHA-256 of the personal link token
--   pool          the pool asked for ("general" or a reserved pool's id)
--   places        1, or 2 with a companion
--   marketing     true when they consent to marketing
--   settings_version  the settings version the request was checked against
--   idem          the idempotency key's hash ("" none)
--   fingerprint   the request's fingerprint, compared on a replay of the key
--   sealed_token  the encrypted token, kept for a replay
--   address       the client address ("" none)
--   per_address   at most this many per address per minute (0 off)
--   per_event     at most this many per event per second (0 off)
--   changed       the RegistrationChanged bytes known before the script (all but org,
--                 status and seq, which it appends: protobuf reads concatenated messages
--                 as one)
--   deadline      the caller's deadline (unix ms, 0 none): past it by Redis's clock, the
--                 registration is refused unwritten (Redis was frozen or slow meanwhile)
--   traceparent   the caller's trace (W3C; "" none), carried by the events this record emits
-- Returns an array of N replies, each {"ok", status, seq, waitlist position, seat pool (""
-- when no place)} or a refusal:
--   {"expired"}, {"rate", "address"|"event"}, {"idem_mismatch"},
--   {"replay", id, status, pos, enc token}, {"no_facts"}, {"not_published", status}, {"not_open", opens}, {"closed", closes},
--   {"settings_changed", version}, {"duplicate"}
local n = tonumber(ARGV[3])
-- Redis's clock, for the callers' deadlines.
local clock = redis.call('TIME')
local redis_now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

-- Everything this script needs of the event, in two reads.
local facts = redis.call('HMGET', K.facts, 'status', 'opens', 'closes', 'capacity', 'org')
local settings = redis.call('HMGET', K.settings, 'version', 'approval', 'pools')
init_ctx(ARGV[1], ARGV[2], 0, facts[5] or '')
-- Scheduling's own status wins over a projection that still says published (common.lua).
local live = scheduling_status()
if facts[1] and live and live ~= 'EVENT_STATUS_PUBLISHED' then facts[1] = live end
local capacity = tonumber(facts[4] or '0')
local reserved, order = parse_pools(settings[3] or '')
local places_of, general = effective_pools(reserved, order, capacity)

-- The event's counts, read when first needed and written back once at the end.
local seq = nil
local taken, taken_dirty = {}, {}
local function taken_of(pool)
  if taken[pool] == nil then
    taken[pool] = tonumber(redis.call('HGET', K.counts, 'taken:' .. pool) or '0')
  end
  return taken[pool]
end
local held = nil
local function held_now()
  if held == nil then held = held_places() end
  return held
end
local waiting = {}
local function waiting_in(pool)
  if waiting[pool] == nil then waiting[pool] = redis.call('ZCARD', ev_key('wait:' .. pool)) end
  return waiting[pool]
end
-- The event as find_seat (common.lua) sees it, from what this call has read and changed.
local view = {reserved = places_of, order = order, general = general, capacity = capacity,
              taken = taken_of, held = held_now, waiting = waiting_in}
local per_status = {0, 0, 0}
-- Index entries to add, as ZADD arguments (score, member, ...) by key.
local adds, add_order = {}, {}
local function index(key, score, member)
  local list = adds[key]
  if not list then
    list = {}
    adds[key] = list
    add_order[#add_order + 1] = key
  end
  list[#list + 1] = score
  list[#list + 1] = member
end
-- Rate-limit counters: current value, how much this call adds, the expiry of a new key.
local limits, limit_order = {}, {}
local function over_limit(key, ttl, limit)
  local l = limits[key]
  if not l then
    l = {n = tonumber(redis.call('GET', key) or '0'), added = 0, ttl = ttl}
    limits[key] = l
    limit_order[#limit_order + 1] = key
  end
  l.n = l.n + 1
  l.added = l.added + 1
  return l.n > limit
end

local kinds = {'confirmed', 'waitlisted', 'pending_approval'}

local function register_one(rec)
  if rec.deadline > 0 and redis_now >= rec.deadline then return {'expired'} end
  set_event_trace(rec.traceparent)
  local now = rec.now
  local id, email, pool = rec.id, rec.email, rec.pool
  local places = rec.places

  local idem = ''
  if rec.idem ~= '' then
    idem = ev_key('idem:' .. rec.idem)
    local stored = redis.call('HMGET', idem, 'fp', 'id', 'status', 'pos', 'token')
    if stored[1] then
      if stored[1] ~= rec.fingerprint then return {'idem_mismatch'} end
      return {'replay', stored[2], stored[3], stored[4], stored[5]}
    end
  end

  if not facts[1] then return {'no_facts'} end
  if facts[1] ~= 'EVENT_STATUS_PUBLISHED' then return {'not_published', facts[1]} end
  if now < tonumber(facts[2]) then return {'not_open', facts[2]} end
  if now >= tonumber(facts[3]) then return {'closed', facts[3]} end
  if tonumber(settings[1] or '0') ~= rec.settings_version then
    return {'settings_changed', settings[1] or '0'}
  end

  -- Counted only for requests that could register (not replays, retries or closed events).
  if rec.address ~= '' and rec.per_address > 0 then
    local key = ev_key('rl:a:' .. rec.address .. ':' .. string.format('%d', math.floor(now / 60000)))
    if over_limit(key, 120000, rec.per_address) then return {'rate', 'address'} end
  end
  if rec.per_event > 0 then
    local key = ev_key('rl:e:' .. string.format('%d', math.floor(now / 1000)))
    if over_limit(key, 5000, rec.per_event) then return {'rate', 'event'} end
  end

  if redis.call('HSETNX', K.emails, email, id) == 0 then return {'duplicate'} end

  if seq == nil then seq = tonumber(redis.call('HGET', K.counts, 'seq') or '0') end
  seq = seq + 1
  local status, seat = 3, nil
  if settings[2] ~= '1' then
    seat = find_seat(pool, places, view)
    if seat then status = 1 else status = 2 end
  end

  local seq_text = tostring(seq)
  local now_text = string.format('%d', now)
  redis.call('HSET', reg_key(id), 'data', rec.data, 'status', status, 'pool', pool, 'seat',
             seat or '', 'places', places, 'seq', seq_text, 'email', email, 'token', rec.token,
             'attended', '0', 'marketing', rec.marketing and '1' or '0', 'version', '1',
             'created', now_text, 'updated', now_text, 'event', ctx.event, 'link_nonce', '')
  if seat then
    taken[seat] = taken_of(seat) + places
    taken_dirty[seat] = true
    held = held_now() + places
  end
  local position = 0
  if status == 2 then
    -- A newcomer has the highest sequence so far: they join the end of their pool's list.
    position = waiting_in(pool) + 1
    waiting[pool] = position
    index(ev_key('wait:' .. pool), seq_text, id)
  end
  index(K.all, seq_text, id)
  index(ev_key('st:' .. status), seq_text, id)
  index(ev_key('pool:' .. pool), seq_text, id)
  per_status[status] = per_status[status] + 1

  ctx.now = now_text
  local data = rec.changed .. pb_str(3, ctx.org) .. pb_int(4, status) .. pb_int(8, seq)
  emit_data('created', id, 1, data)
  emit_data(kinds[status], id, 1, data)
  history(id, 1, status, kByAttendee)

  if idem ~= '' then
    redis.call('HSET', idem, 'fp', rec.fingerprint, 'id', id, 'status', status, 'pos', position,
               'token', rec.sealed_token)
    redis.call('PEXPIRE', idem, 86400000)
  end
  return {'ok', status, seq, position, seat or ''}
end

local replies = {}
for i = 1, n do replies[i] = register_one(cmsgpack.unpack(ARGV[3 + i])) end

-- Write back what the group changed, once.
for _, key in ipairs(add_order) do redis.call('ZADD', key, unpack(adds[key])) end
local counts = {}
if seq ~= nil then
  counts[#counts + 1] = 'seq'
  counts[#counts + 1] = tostring(seq)
end
for pool, _ in pairs(taken_dirty) do
  counts[#counts + 1] = 'taken:' .. pool
  counts[#counts + 1] = tostring(taken[pool])
end
if #counts > 0 then redis.call('HSET', K.counts, unpack(counts)) end
for status = 1, 3 do
  if per_status[status] > 0 then
    redis.call('HINCRBY', K.counts, 'n:' .. status, per_status[status])
  end
end
for _, key in ipairs(limit_order) do
  local l = limits[key]
  if redis.call('INCRBY', key, l.added) == l.added then redis.call('PEXPIRE', key, l.ttl) end
end
return replies
