-- Register one attendee: rate limits, idempotency, the event's window, duplicate e-mail,
-- then a place, a place on the waiting list, or approval, with its domain events.
-- KEYS: none used directly (see common.lua); every key is derived from ARGV[1..2].
-- ARGV:  1 B  2 R  3 stream  4 maxlen  5 now  6 event id
--        7 registration id  8 data  9 e-mail (normalised)  10 token hash  11 pool
--        12 places (1 or 2)  13 marketing (0/1)  14 settings version the request was checked against
--        15 idempotency key hash ("" none)  16 request fingerprint  17 encrypted token
--        18 client address ("" none)  19 limit per address per minute (0 off)
--        20 limit per event per second (0 off)
--        21 the RegistrationChanged bytes known before the script (all but org, status and
--           seq, which it appends: protobuf reads concatenated messages as one)
-- Returns {"ok", status, seq, waitlist position} or a refusal:
--   {"rate", "address"|"event"}, {"idem_mismatch"}, {"replay", id, status, pos, enc token},
--   {"no_facts"}, {"not_published", status}, {"not_open", opens}, {"closed", closes},
--   {"settings_changed", version}, {"duplicate"}
local now = tonumber(ARGV[5])
local id, email, pool = ARGV[7], ARGV[9], ARGV[11]
local places = tonumber(ARGV[12])
local b = ARGV[1]

local idem = ''
if ARGV[15] ~= '' then
  idem = b .. 'idem:' .. ARGV[15]
  local rec = redis.call('HMGET', idem, 'fp', 'id', 'status', 'pos', 'token')
  if rec[1] then
    if rec[1] ~= ARGV[16] then return {'idem_mismatch'} end
    return {'replay', rec[2], rec[3], rec[4], rec[5]}
  end
end

-- Everything this script needs of the event, in two reads.
local facts = redis.call('HMGET', b .. 'facts', 'status', 'opens', 'closes', 'capacity', 'org')
if not facts[1] then return {'no_facts'} end
if facts[1] ~= 'EVENT_STATUS_PUBLISHED' then return {'not_published', facts[1]} end
if now < tonumber(facts[2]) then return {'not_open', facts[2]} end
if now >= tonumber(facts[3]) then return {'closed', facts[3]} end
local settings = redis.call('HMGET', b .. 'settings', 'version', 'approval', 'pools')
if (settings[1] or '0') ~= ARGV[14] then return {'settings_changed', settings[1] or '0'} end
init_ctx(b, ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], facts[5] or '')

-- Counted only for requests that could register (not replays, retries or closed events).
local per_address, per_event = tonumber(ARGV[19]), tonumber(ARGV[20])
if ARGV[18] ~= '' and per_address > 0 then
  local key = b .. 'rl:a:' .. ARGV[18] .. ':' .. math.floor(now / 60000)
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, 120000) end
  if n > per_address then return {'rate', 'address'} end
end
if per_event > 0 then
  local key = b .. 'rl:e:' .. math.floor(now / 1000)
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('PEXPIRE', key, 5000) end
  if n > per_event then return {'rate', 'event'} end
end

if redis.call('HSETNX', b .. 'emails', email, id) == 0 then return {'duplicate'} end

local seq = redis.call('HINCRBY', b .. 'counts', 'seq', 1)
local status, seat = 3, nil
if settings[2] ~= '1' then
  -- A newcomer's place: their pool's own, then a general one, and only when nobody who
  -- could take it is waiting (the same rule as find_seat in common.lua, with what is read).
  local reserved, order, total = parse_pools(settings[3] or '')
  local taken = redis.call('HMGET', b .. 'counts', 'taken:general', 'taken:' .. pool)
  if reserved[pool] and tonumber(taken[2] or '0') + places <= reserved[pool] and
      redis.call('ZCARD', b .. 'wait:' .. pool) == 0 then
    seat = pool
  else
    local general = math.max(0, tonumber(facts[4] or '0') - total)
    if tonumber(taken[1] or '0') + places <= general then
      local waiting = redis.call('ZCARD', b .. 'wait:general')
      for _, p in ipairs(order) do
        if waiting > 0 then break end
        waiting = redis.call('ZCARD', b .. 'wait:' .. p)
      end
      if waiting == 0 then seat = 'general' end
    end
  end
  if seat then status = 1 else status = 2 end
end

local seq_text = tostring(seq)
redis.call('HSET', reg_key(id), 'data', ARGV[8], 'status', status, 'pool', pool, 'seat',
           seat or '', 'places', ARGV[12], 'seq', seq_text, 'email', email, 'token', ARGV[10],
           'attended', '0', 'marketing', ARGV[13], 'version', '1', 'created', ARGV[5], 'updated',
           ARGV[5], 'event', ARGV[6])
if seat then redis.call('HINCRBY', b .. 'counts', 'taken:' .. seat, places) end
if status == 2 then redis.call('ZADD', b .. 'wait:' .. pool, seq_text, id) end
redis.call('ZADD', b .. 'all', seq_text, id)
redis.call('ZADD', b .. 'st:' .. status, seq_text, id)
redis.call('ZADD', b .. 'pool:' .. pool, seq_text, id)
redis.call('HINCRBY', b .. 'counts', 'n:' .. status, 1)

local kinds = {'confirmed', 'waitlisted', 'pending_approval'}
local data = ARGV[21] .. pb_str(3, ctx.org) .. pb_int(4, status) .. pb_int(8, seq)
emit_data('created', id, 1, data)
emit_data(kinds[status], id, 1, data)

local position = 0
if status == 2 then position = redis.call('ZRANK', b .. 'wait:' .. pool, id) + 1 end
if idem ~= '' then
  redis.call('HSET', idem, 'fp', ARGV[16], 'id', id, 'status', status, 'pos', position,
             'token', ARGV[17])
  redis.call('PEXPIRE', idem, 86400000)
end
return {'ok', status, seq, position}
