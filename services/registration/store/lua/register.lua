-- Register one attendee: rate limits, idempotency, the event's window, duplicate e-mail,
-- then a place, a place on the waiting list, or approval, with its domain events.
-- KEYS: none used directly (see common.lua); every key is derived from ARGV[1..2].
-- ARGV:  1 B  2 R  3 stream  4 maxlen  5 now  6 event id
--        7 registration id  8 data  9 e-mail (normalised)  10 token hash  11 pool
--        12 places (1 or 2)  13 marketing (0/1)  14 settings version the request was checked against
--        15 idempotency key hash ("" none)  16 request fingerprint  17 encrypted token
--        18 client address ("" none)  19 limit per address per minute (0 off)
--        20 limit per event per second (0 off)
-- Returns {"ok", status, seq, waitlist position} or a refusal:
--   {"rate", "address"|"event"}, {"idem_mismatch"}, {"replay", id, status, pos, enc token},
--   {"no_facts"}, {"not_published", status}, {"not_open", opens}, {"closed", closes},
--   {"settings_changed", version}, {"duplicate"}
init_ctx(ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6])
local now = tonumber(ARGV[5])
local id, email, pool = ARGV[7], ARGV[9], ARGV[11]
local places = tonumber(ARGV[12])

local idem = ''
if ARGV[15] ~= '' then
  idem = ctx.B .. 'idem:' .. ARGV[15]
  local rec = redis.call('HMGET', idem, 'fp', 'id', 'status', 'pos', 'token')
  if rec[1] then
    if rec[1] ~= ARGV[16] then return {'idem_mismatch'} end
    return {'replay', rec[2], rec[3], rec[4], rec[5]}
  end
end

local facts = redis.call('HMGET', ctx.B .. 'facts', 'status', 'opens', 'closes')
if not facts[1] then return {'no_facts'} end
if facts[1] ~= 'EVENT_STATUS_PUBLISHED' then return {'not_published', facts[1]} end
if now < tonumber(facts[2]) then return {'not_open', facts[2]} end
if now >= tonumber(facts[3]) then return {'closed', facts[3]} end

local settings_version = redis.call('HGET', ctx.B .. 'settings', 'version') or '0'
if settings_version ~= ARGV[14] then return {'settings_changed', settings_version} end

-- Counted only for requests that could register (not replays, retries or closed events).
local per_address, per_event = tonumber(ARGV[19]), tonumber(ARGV[20])
if ARGV[18] ~= '' and per_address > 0 then
  local key = ctx.B .. 'rl:a:' .. ARGV[18] .. ':' .. math.floor(now / 60000)
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, 120000) end
  if n > per_address then return {'rate', 'address'} end
end
if per_event > 0 then
  local key = ctx.B .. 'rl:e:' .. math.floor(now / 1000)
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, 5000) end
  if n > per_event then return {'rate', 'event'} end
end

if redis.call('HSETNX', ctx.B .. 'emails', email, id) == 0 then return {'duplicate'} end

local seq = redis.call('HINCRBY', ctx.B .. 'counts', 'seq', 1)
local status, seat = 3, ''
if redis.call('HGET', ctx.B .. 'settings', 'approval') ~= '1' then
  seat = find_seat(pool, places, true)
  if seat then status = 1 else status = 2; seat = '' end
end
local r = reg_key(id)
redis.call('HSET', r, 'data', ARGV[8], 'status', status, 'pool', pool, 'seat', '',
           'places', places, 'seq', seq, 'email', email, 'token', ARGV[10], 'attended', 0,
           'marketing', ARGV[13], 'version', 1, 'created', now, 'updated', now, 'event', ctx.event)
if status == 1 then take_seat(id, seat, places) end
if status == 2 then redis.call('ZADD', ctx.B .. 'wait:' .. pool, seq, id) end
redis.call('ZADD', ctx.B .. 'all', seq, id)
redis.call('ZADD', ctx.B .. 'st:' .. status, seq, id)
redis.call('ZADD', ctx.B .. 'pool:' .. pool, seq, id)
redis.call('HINCRBY', ctx.B .. 'counts', 'n:' .. status, 1)

emit('created', id, 0)
if status == 1 then emit('confirmed', id, 0)
elseif status == 2 then emit('waitlisted', id, 0)
else emit('pending_approval', id, 0) end

local position = 0
if status == 2 then position = waitlist_position(id, pool) end
if idem ~= '' then
  redis.call('HSET', idem, 'fp', ARGV[16], 'id', id, 'status', status, 'pos', position,
             'token', ARGV[17])
  redis.call('PEXPIRE', idem, 86400000)
end
return {'ok', status, seq, position}
