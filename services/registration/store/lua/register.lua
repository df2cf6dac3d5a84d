-- Register N attendees of one event, in order: for each, rate limits, idempotency, the
-- event's window, duplicate e-mail, then a place, a place on the waiting list, or approval,
-- with its domain events. N is 1 for a call on its own; the service's EvalQueue groups the
-- registrations for one event that arrive together into one call (common/redis/eval_queue.h),
-- so the event's facts, settings and counts are read and written once for the group. Each
-- registration sees the ones before it exactly as if it had run in a script of its own.
-- KEYS: none used directly (see common.lua); every key is derived from ARGV[1..2].
-- ARGV:  1 B  2 R  3 stream  4 maxlen  5 event id  6 N, then 17 per registration from 7:
--        +0 now  +1 registration id  +2 data  +3 e-mail (normalised)  +4 token hash  +5 pool
--        +6 places (1 or 2)  +7 marketing (0/1)  +8 settings version the request was checked
--        against  +9 idempotency key hash ("" none)  +10 request fingerprint
--        +11 encrypted token  +12 client address ("" none)
--        +13 limit per address per minute (0 off)  +14 limit per event per second (0 off)
--        +15 the RegistrationChanged bytes known before the script (all but org, status and
--            seq, which it appends: protobuf reads concatenated messages as one)
--        +16 the caller's deadline (unix ms, "0" none): past it by Redis's clock, the
--            registration is refused unwritten (Redis was frozen or slow meanwhile)
-- Returns an array of N replies, each {"ok", status, seq, waitlist position, seat pool (""
-- when no place)} or a refusal:
--   {"expired"}, {"rate", "address"|"event"}, {"idem_mismatch"},
--   {"replay", id, status, pos, enc token}, {"no_facts"}, {"not_published", status}, {"not_open", opens}, {"closed", closes},
--   {"settings_changed", version}, {"duplicate"}
local b = ARGV[1]
local n = tonumber(ARGV[6])
local PER = 17
-- Redis's clock, for the callers' deadlines.
local clock = redis.call('TIME')
local redis_now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

-- Everything this script needs of the event, in two reads.
local facts = redis.call('HMGET', b .. 'facts', 'status', 'opens', 'closes', 'capacity', 'org')
local settings = redis.call('HMGET', b .. 'settings', 'version', 'approval', 'pools')
init_ctx(b, ARGV[2], ARGV[3], ARGV[4], '0', ARGV[5], facts[5] or '')
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
    taken[pool] = tonumber(redis.call('HGET', b .. 'counts', 'taken:' .. pool) or '0')
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
  if waiting[pool] == nil then waiting[pool] = redis.call('ZCARD', b .. 'wait:' .. pool) end
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

local function register_one(a)
  local deadline = tonumber(ARGV[a + 16])
  if deadline > 0 and redis_now >= deadline then return {'expired'} end
  local now = tonumber(ARGV[a])
  local id, email, pool = ARGV[a + 1], ARGV[a + 3], ARGV[a + 5]
  local places = tonumber(ARGV[a + 6])

  local idem = ''
  if ARGV[a + 9] ~= '' then
    idem = b .. 'idem:' .. ARGV[a + 9]
    local rec = redis.call('HMGET', idem, 'fp', 'id', 'status', 'pos', 'token')
    if rec[1] then
      if rec[1] ~= ARGV[a + 10] then return {'idem_mismatch'} end
      return {'replay', rec[2], rec[3], rec[4], rec[5]}
    end
  end

  if not facts[1] then return {'no_facts'} end
  if facts[1] ~= 'EVENT_STATUS_PUBLISHED' then return {'not_published', facts[1]} end
  if now < tonumber(facts[2]) then return {'not_open', facts[2]} end
  if now >= tonumber(facts[3]) then return {'closed', facts[3]} end
  if (settings[1] or '0') ~= ARGV[a + 8] then return {'settings_changed', settings[1] or '0'} end

  -- Counted only for requests that could register (not replays, retries or closed events).
  local per_address, per_event = tonumber(ARGV[a + 13]), tonumber(ARGV[a + 14])
  if ARGV[a + 12] ~= '' and per_address > 0 then
    local key = b .. 'rl:a:' .. ARGV[a + 12] .. ':' .. math.floor(now / 60000)
    if over_limit(key, 120000, per_address) then return {'rate', 'address'} end
  end
  if per_event > 0 then
    local key = b .. 'rl:e:' .. math.floor(now / 1000)
    if over_limit(key, 5000, per_event) then return {'rate', 'event'} end
  end

  if redis.call('HSETNX', b .. 'emails', email, id) == 0 then return {'duplicate'} end

  if seq == nil then seq = tonumber(redis.call('HGET', b .. 'counts', 'seq') or '0') end
  seq = seq + 1
  local status, seat = 3, nil
  if settings[2] ~= '1' then
    seat = find_seat(pool, places, view)
    if seat then status = 1 else status = 2 end
  end

  local seq_text = tostring(seq)
  redis.call('HSET', reg_key(id), 'data', ARGV[a + 2], 'status', status, 'pool', pool, 'seat',
             seat or '', 'places', ARGV[a + 6], 'seq', seq_text, 'email', email, 'token',
             ARGV[a + 4], 'attended', '0', 'marketing', ARGV[a + 7], 'version', '1', 'created',
             ARGV[a], 'updated', ARGV[a], 'event', ARGV[5], 'link_nonce', '')
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
    index(b .. 'wait:' .. pool, seq_text, id)
  end
  index(b .. 'all', seq_text, id)
  index(b .. 'st:' .. status, seq_text, id)
  index(b .. 'pool:' .. pool, seq_text, id)
  per_status[status] = per_status[status] + 1

  ctx.now = ARGV[a]
  local data = ARGV[a + 15] .. pb_str(3, ctx.org) .. pb_int(4, status) .. pb_int(8, seq)
  emit_data('created', id, 1, data)
  emit_data(kinds[status], id, 1, data)
  history(id, 1, status, kByAttendee)

  if idem ~= '' then
    redis.call('HSET', idem, 'fp', ARGV[a + 10], 'id', id, 'status', status, 'pos', position,
               'token', ARGV[a + 11])
    redis.call('PEXPIRE', idem, 86400000)
  end
  return {'ok', status, seq, position, seat or ''}
end

local replies = {}
for i = 0, n - 1 do replies[i + 1] = register_one(7 + i * PER) end

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
if #counts > 0 then redis.call('HSET', b .. 'counts', unpack(counts)) end
for status = 1, 3 do
  if per_status[status] > 0 then
    redis.call('HINCRBY', b .. 'counts', 'n:' .. status, per_status[status])
  end
end
for _, key in ipairs(limit_order) do
  local l = limits[key]
  if redis.call('INCRBY', key, l.added) == l.added then redis.call('PEXPIRE', key, l.ttl) end
end
return replies
