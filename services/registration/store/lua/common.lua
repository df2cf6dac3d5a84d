-- Shared by the registration scripts that change an event (register, change, event): it is
-- pasted in front of each one, after common/redis/lua/protobuf.lua (pb_str, pb_int,
-- emit_event). claim.lua and link.lua stand alone.
--
-- The key contract (Redis Cluster routes a script by its KEYS, and refuses one that touches
-- a key of another slot than the keys it declared; redis::LuaScript starts every script
-- with "#!lua", which turns that check on):
--  * A script declares in KEYS every key it writes whose name is fixed for the call. The
--    scripts that change an event all start with the same six, K below:
--      KEYS[1] B.."facts"  KEYS[2] B.."settings"  KEYS[3] B.."counts"  KEYS[4] B.."emails"
--      KEYS[5] B.."all"    KEYS[6] the partition's stream "{p<N>}:events"
--    and each script names the ones it adds after them.
--  * A key whose name is only known inside the script (per registration R..<id>, per pool
--    B.."wait:<pool>", per status B.."st:<n>", the idempotency records and rate-limit
--    counters of a group of registrations) is named by derive() below, and only by it: the
--    hash tag of a declared key, then the rest of the name. So it lies in the declared keys'
--    slot, on the node the call was routed to. reg_key, history_key, ev_key and
--    scheduling_key are the names the scripts use, all made by derive. Nothing else builds
--    a key name.
--  * One key is fixed for the call and still derived, on purpose: scheduling's event hash
--    "{p<N>}:event:<id>", which the scripts only read. EVALSHA asks read-write access to
--    every key in KEYS, and registration's Redis user may only read scheduling's keys
--    (docs/redis-acl.md), so declared it would refuse the whole call.
--  * Everything else comes in ARGV, each write as one record (cmsgpack, read by field name:
--    rec.email), as each script's header says.
--
-- Every key of an event shares the event's hash tag "{p<N>}". With the event's prefix
-- B = "{p<N>}:rg:<event id>:" and the registration prefix R = "{p<N>}:rg:r:", the layout:
--   B.."facts"      hash  the event facts projected from scheduling
--   B.."settings"   hash  version, approval, companions, pools ("id:places,..."), data
--   B.."counts"     hash  seq (registration counter), taken:<seat pool>, n:<status>
--   B.."emails"     hash  normalised e-mail -> registration id
--   B.."all"        zset  registration ids by the seq they were created with; never reordered,
--                         so listings page over it (filtering status and pool as they read)
--   B.."pool:<pool>" zset likewise; B.."st:<status>" zset by the registration's current seq
--   B.."wait:<pool>" zset the waiting list of a pool, by seq (first come, first served)
--   B.."idem:<key hash>" hash  a registration's answer under its idempotency key, 24 h
--   B.."rl:..."     strings  rate-limit counters (register.lua; resend in event.lua)
--   R..<id>         hash  data (Registration proto, without the fields below), status, pool,
--                         seat, places, seq, email, token, attended, marketing, version, ...;
--                         token is the SHA-256 of the personal link token, link_nonce the
--                         nonce it is derived from ("" at first; set by link.lua; absent on
--                         registrations made before links were derived)
--   R..<id>..":history"  list  the registration's history, oldest first, at most
--                         kHistoryMax entries: RegistrationHistoryEntry bytes, appended by
--                         the script that makes each change (history() below)
-- Statuses are the RegistrationStatus numbers: 1 confirmed, 2 waitlisted, 3 pending
-- approval, 4 cancelled, 5 rejected.

-- The declared keys every event-changing script starts with (see above).
local K = {facts = KEYS[1], settings = KEYS[2], counts = KEYS[3], emails = KEYS[4],
           all = KEYS[5], stream = KEYS[6]}

-- The one way a script names a key it was not given: "<prefix>{p<N>}:" of `declared`, a
-- key in KEYS, then `suffix`. The prefix (EVENTS_REDIS_KEY_PREFIX) has no braces, so the
-- first '}' closes the hash tag.
local tags = {}
local function derive(declared, suffix)
  local tag = tags[declared]
  if not tag then
    local close = string.find(declared, '}', 1, true)
    if not close then error('derive: the declared key has no hash tag: ' .. declared) end
    tag = string.sub(declared, 1, close + 1)
    tags[declared] = tag
  end
  return tag .. suffix
end

local ctx = {}

-- `now`: unix ms (a number or its digits). `org` may be given when the caller has read it
-- already; otherwise it is read. `traceparent`: the calling request's, which the events
-- emitted carry (protobuf.lua, set_event_trace); register.lua sets it per record instead.
local function init_ctx(event_id, maxlen, now, org, traceparent)
  set_event_trace(traceparent)
  ctx.stream = K.stream
  ctx.maxlen = maxlen
  ctx.now = string.format('%d', now)
  ctx.event = event_id
  ctx.org = org or redis.call('HGET', K.facts, 'org') or ''
end

-- R..<id>, R..<id>..":history", B..<suffix> and scheduling's "{p<N>}:event:<id>" (derived
-- from the facts key, see above).
local function reg_key(id) return derive(K.facts, 'rg:r:' .. id) end
local function history_key(id) return derive(K.facts, 'rg:r:' .. id .. ':history') end
local function ev_key(suffix) return derive(K.facts, 'rg:' .. ctx.event .. ':' .. suffix) end
local function scheduling_key() return derive(K.facts, 'event:' .. ctx.event) end

-- A registration's history keeps its last 50 entries (docs/registration.md, "History").
local kHistoryMax = 50

-- Appends an entry to registration `id`'s history, in the same atomic step as the change:
-- `change` (a RegistrationChange number), the status after it, and `who`, the
-- RegistrationHistoryEntry bytes of who made it (actor, name, reason), which the caller
-- encodes (protobuf reads concatenated messages as one).
local function history(id, change, status, who)
  local key = history_key(id)
  redis.call('RPUSH', key, pb_int(1, ctx.now) .. pb_int(2, change) .. pb_int(3, status) .. who)
  redis.call('LTRIM', key, -kHistoryMax, -1)
end

-- RegistrationHistoryEntry bytes for the attendee and for the service itself (actor 3, 4).
local kByAttendee = pb_int(4, 3)
local kAutomatically = pb_int(4, 4)

-- The status scheduling itself holds for the event, or nil when its record is not in this
-- Redis. Scheduling's event hash "{p<N>}:event:<id>" (scheduling_key) has the event's hash
-- tag, so a script reads it in the same atomic step as its own change: the one place
-- registration reads scheduling's data (read-only, one field), because the projection
-- trails CancelEvent by a moment, and nothing may be confirmed once CancelEvent has
-- returned (docs/registration.md).
local function scheduling_status()
  return redis.call('HGET', scheduling_key(), 'status') or nil
end

-- Whether the event is over or called off, by scheduling's record or the projection: then
-- nobody is confirmed any more (no approval, no promotion).
local function event_ended()
  local status = scheduling_status() or redis.call('HGET', K.facts, 'status')
  return status == 'EVENT_STATUS_CANCELLED' or status == 'EVENT_STATUS_COMPLETED'
end

-- Appends registration.<kind> for registration `id`, with `data` the RegistrationChanged
-- bytes (transactional outbox).
local function emit_data(kind, id, version, data)
  emit_event(ctx.stream, ctx.maxlen, id .. ':' .. kind .. ':' .. version, 'registration.' .. kind,
             'registration', ctx.now, id, ctx.org, 'events.v1.RegistrationChanged', data)
end

-- Appends registration.<kind> for registration `id` with these values (transactional
-- outbox). Values are passed as strings where they are at hand, to spare a read back.
-- `extra`: more RegistrationChanged bytes (the reason, by_organiser), or nil.
local function emit_values(kind, id, status, previous_status, pool, places, seq, attended,
                           marketing, version, extra)
  local data = pb_str(1, id) .. pb_str(2, ctx.event) .. pb_str(3, ctx.org) .. pb_int(4, status) ..
               pb_int(5, previous_status) .. pb_str(6, pool) .. pb_int(7, places) ..
               pb_int(8, seq) .. pb_int(9, attended) .. pb_int(10, marketing) ..
               pb_int(11, version) .. (extra or '')
  emit_data(kind, id, version, data)
end

-- Appends registration.<kind> for registration `id` as it now is (`extra` as emit_values).
local function emit(kind, id, previous_status, extra)
  local f = redis.call('HMGET', reg_key(id), 'status', 'pool', 'places', 'seq', 'attended',
                       'marketing', 'version')
  emit_values(kind, id, f[1], previous_status, f[2], f[3], f[4], f[5], f[6], f[7] or '0', extra)
end

local function count(field)
  return tonumber(redis.call('HGET', K.counts, field) or '0')
end

-- The reserved pools of a settings "pools" field: places by id, their order, the total.
local function parse_pools(spec)
  local places, order, total = {}, {}, 0
  for id, n in string.gmatch(spec, '([%w_]+):(%d+)') do
    places[id] = tonumber(n)
    order[#order + 1] = id
    total = total + tonumber(n)
  end
  return places, order, total
end

local function load_pools()
  return parse_pools(redis.call('HGET', K.settings, 'pools') or '')
end

local function capacity_of()
  return tonumber(redis.call('HGET', K.facts, 'capacity') or '0')
end

-- The places each reserved pool can hold, and the general places left after them. Pools
-- keep their places in the order they were configured while the capacity lasts: when
-- scheduling lowers the capacity below what the pools reserve, the last pools are cut to
-- what is left (down to 0), so that pools and general places never add up to more than the
-- capacity.
local function effective_pools(reserved, order, capacity)
  local places, left = {}, capacity
  for _, p in ipairs(order) do
    places[p] = math.max(0, math.min(reserved[p], left))
    left = left - places[p]
  end
  return places, math.max(0, left)
end

-- The places held by confirmed registrations, in every seat pool: what is compared with
-- the capacity (held places above it block every new place until enough are freed).
local function held_places()
  local f = redis.call('HGETALL', K.counts)
  local held = 0
  for i = 1, #f, 2 do
    if string.sub(f[i], 1, 6) == 'taken:' then held = held + tonumber(f[i + 1]) end
  end
  return held
end

-- What find_seat needs of an event: its reserved pools (places each can hold, and their
-- order), its general places, its capacity, and functions for the places taken in a seat
-- pool, the places held in all, and the number waiting in a pool. event_view reads them
-- from Redis as asked; the register script passes a view of its own that reads each once
-- for a whole group and keeps it up to date.
local function event_view()
  local reserved, order = load_pools()
  local capacity = capacity_of()
  local places, general = effective_pools(reserved, order, capacity)
  return {
    reserved = places,
    order = order,
    general = general,
    capacity = capacity,
    taken = function(pool) return count('taken:' .. pool) end,
    held = held_places,
    waiting = function(pool) return redis.call('ZCARD', ev_key('wait:' .. pool)) end,
  }
end

-- Where `places` places for someone of `pool` who joins now (a newcomer, or an approval)
-- can be had: the pool's own reserved places first, then the general ones, and never by
-- jumping a queue: a place goes to them only when nobody who could take it is waiting.
-- Never beyond the capacity, whatever a pool's count says (places held above it after a
-- capacity or pool change are not taken away, and block new places until freed).
-- nil when there is none.
local function find_seat(pool, places, view)
  if view.held() + places > view.capacity then return nil end
  if view.reserved[pool] and view.taken(pool) + places <= view.reserved[pool] and
      view.waiting(pool) == 0 then
    return pool
  end
  if view.taken('general') + places > view.general then return nil end
  if view.waiting('general') > 0 then return nil end
  for _, p in ipairs(view.order) do
    if view.waiting(p) > 0 then return nil end
  end
  return 'general'
end

local function set_status(id, from, to, seq)
  redis.call('ZREM', ev_key('st:' .. from), id)
  redis.call('ZADD', ev_key('st:' .. to), seq, id)
  redis.call('HINCRBY', K.counts, 'n:' .. from, -1)
  redis.call('HINCRBY', K.counts, 'n:' .. to, 1)
  redis.call('HSET', reg_key(id), 'status', to, 'updated', ctx.now)
  redis.call('HINCRBY', reg_key(id), 'version', 1)
end

local function take_seat(id, seat, places)
  redis.call('HINCRBY', K.counts, 'taken:' .. seat, places)
  redis.call('HSET', reg_key(id), 'seat', seat)
end

local function free_seat(id)
  local f = redis.call('HMGET', reg_key(id), 'seat', 'places')
  if f[1] and f[1] ~= '' then
    redis.call('HINCRBY', K.counts, 'taken:' .. f[1], -tonumber(f[2]))
    redis.call('HSET', reg_key(id), 'seat', '')
  end
end

local function promote_one(id, pool, seat)
  local f = redis.call('HMGET', reg_key(id), 'places', 'seq')
  redis.call('ZREM', ev_key('wait:' .. pool), id)
  take_seat(id, seat, tonumber(f[1]))
  set_status(id, 2, 1, tonumber(f[2]))
  history(id, 6, 1, kAutomatically)
  emit('promoted', id, 2)
end

-- Gives free places to the people waiting for them, first come first served: reserved
-- places to the head of their pool's list, general places to whoever has waited longest of
-- all. Strict order: when the person first in line needs two places and one is free,
-- nobody behind them jumps ahead. Nobody is promoted beyond the capacity. Returns how many
-- were promoted.
local function promote()
  if event_ended() then return 0 end
  local view = event_view()
  local held = view.held()
  local promoted = 0
  local progressed = true
  while progressed do
    progressed = false
    for _, p in ipairs(view.order) do
      while true do
        local head = redis.call('ZRANGE', ev_key('wait:' .. p), 0, 0)[1]
        if not head then break end
        local places = tonumber(redis.call('HGET', reg_key(head), 'places'))
        if count('taken:' .. p) + places > view.reserved[p] then break end
        if held + places > view.capacity then break end
        promote_one(head, p, p)
        held = held + places
        promoted = promoted + 1
        progressed = true
      end
    end
    local best, best_seq, best_pool = nil, nil, nil
    local pools = {'general'}
    for _, p in ipairs(view.order) do pools[#pools + 1] = p end
    for _, p in ipairs(pools) do
      local head = redis.call('ZRANGE', ev_key('wait:' .. p), 0, 0, 'WITHSCORES')
      if head[1] and (best_seq == nil or tonumber(head[2]) < best_seq) then
        best, best_seq, best_pool = head[1], tonumber(head[2]), p
      end
    end
    if best then
      local places = tonumber(redis.call('HGET', reg_key(best), 'places'))
      if count('taken:general') + places <= view.general and held + places <= view.capacity then
        promote_one(best, best_pool, 'general')
        held = held + places
        promoted = promoted + 1
        progressed = true
      end
    end
  end
  return promoted
end

-- Moves a registration's place from seat pool `from` to the general places; it stays held.
local function reseat_general(id, from, places)
  redis.call('HINCRBY', K.counts, 'taken:' .. from, -places)
  redis.call('HINCRBY', K.counts, 'taken:general', places)
  redis.call('HSET', reg_key(id), 'seat', 'general')
end

-- Puts places and waiting lists in line with the event's pools and capacity after either
-- changed, before anyone is promoted. Places already held are never taken away:
--  * the holders of a pool that no longer exists (removed, or renamed) hold general places;
--  * a pool holding more than it can now (shrunk, or cut by a lower capacity) keeps its
--    earliest holders; the latest ones hold general places instead;
--  * the people waiting for a pool in `removed` join the general waiting list, each keeping
--    their place in the order (every list is ordered by sequence), and become general
--    registrants (their pool is "general").
local function reconcile(removed)
  local reserved, order = load_pools()
  local places = effective_pools(reserved, order, capacity_of())
  local f = redis.call('HGETALL', K.counts)
  for i = 1, #f, 2 do
    local seat = string.match(f[i], '^taken:(.+)$')
    if seat and seat ~= 'general' then
      local over = tonumber(f[i + 1]) - (places[seat] or 0)
      if over > 0 then
        -- Only someone who asked for a pool holds its places: its index has them all.
        local ids = redis.call('ZREVRANGE', ev_key('pool:' .. seat), 0, -1)
        for _, id in ipairs(ids) do
          if over <= 0 then break end
          local r = redis.call('HMGET', reg_key(id), 'status', 'seat', 'places')
          if r[1] == '1' and r[2] == seat then
            reseat_general(id, seat, tonumber(r[3]))
            over = over - tonumber(r[3])
          end
        end
      end
      if not places[seat] and count('taken:' .. seat) == 0 then
        redis.call('HDEL', K.counts, 'taken:' .. seat)
      end
    end
  end
  for _, pool in ipairs(removed) do
    local waiting = redis.call('ZRANGE', ev_key('wait:' .. pool), 0, -1, 'WITHSCORES')
    for i = 1, #waiting, 2 do
      local id, seq = waiting[i], waiting[i + 1]
      redis.call('ZADD', ev_key('wait:general'), seq, id)
      redis.call('ZREM', ev_key('pool:' .. pool), id)
      -- pool:<pool> keeps creation order, like B.."all" (an approval onto the waiting list
      -- gave them a later seq, their place in the queue).
      redis.call('ZADD', ev_key('pool:general'), redis.call('ZSCORE', K.all, id) or seq, id)
      redis.call('HSET', reg_key(id), 'pool', 'general')
    end
    redis.call('DEL', ev_key('wait:' .. pool))
  end
end

local function waitlist_position(id, pool)
  local rank = redis.call('ZRANK', ev_key('wait:' .. pool), id)
  if rank then return rank + 1 end
  return 0
end
