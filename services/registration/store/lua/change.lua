-- One change to one registration, then promotion of whoever waits for a freed place.
-- ARGV: 1 B  2 R  3 stream  4 maxlen  5 now  6 event id  7 registration id
--       8 action: cancel | approve | reject | update | attend
--       9 token hash ("" when an organiser acts; otherwise it must match)
--       10 for update: new data ("" keeps it); for attend: "1" or "0"
--       11 for update: marketing "1"/"0" ("" keeps it)
--       12 who acts, when an organiser does: RegistrationHistoryEntry bytes (actor, name,
--          and for cancel the reason) for the history; the attendee (a token) is written
--          as such whatever this says
--       13 for cancel by an organiser: the reason ("" none), for the domain event
-- Every status change and attendance mark appends to the registration's history
-- (common.lua, history) in this same step; updates (name, consent) do not.
-- Returns {"ok", promoted} or {"not_found"} or {"wrong_status", status}, or for approve
-- {"event_ended"} when the event is cancelled or over (common.lua, event_ended).
init_ctx(ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6])
local id, action, token = ARGV[7], ARGV[8], ARGV[9]
local r = reg_key(id)
local f = redis.call('HMGET', r, 'status', 'token', 'pool', 'seq', 'email', 'event')
if not f[1] or f[6] ~= ctx.event then return {'not_found'} end
if token ~= '' and f[2] ~= token then return {'not_found'} end
local status, pool, seq = tonumber(f[1]), f[3], tonumber(f[4])
local by_organiser = token == ''
local who = by_organiser and ARGV[12] or kByAttendee
-- What the domain event adds for a change an organiser made.
local organiser_extra = by_organiser and pb_int(13, 1) or ''

if action == 'cancel' then
  if status == 4 or status == 5 then return {'wrong_status', status} end
  if status == 1 then free_seat(id) end
  if status == 2 then redis.call('ZREM', ctx.B .. 'wait:' .. pool, id) end
  set_status(id, status, 4, seq)
  -- The e-mail may register again.
  redis.call('HDEL', ctx.B .. 'emails', f[5])
  history(id, by_organiser and 5 or 4, 4, who)
  emit('cancelled', id, status, (by_organiser and pb_str(12, ARGV[13]) or '') .. organiser_extra)
  return {'ok', promote()}
end

if action == 'approve' or action == 'reject' then
  if status ~= 3 then return {'wrong_status', status} end
  if action == 'reject' then
    set_status(id, 3, 5, seq)
    history(id, 3, 5, who)
    emit('rejected', id, 3, organiser_extra)
    return {'ok', 0}
  end
  if event_ended() then return {'event_ended'} end
  local places = tonumber(redis.call('HGET', r, 'places'))
  local view = event_view()
  if pool ~= 'general' and not view.reserved[pool] then
    -- Their pool was removed while they waited for a decision: they are general now, as
    -- the people who were waiting for it became (common.lua, reconcile).
    redis.call('ZREM', ctx.B .. 'pool:' .. pool, id)
    redis.call('ZADD', ctx.B .. 'pool:general', seq, id)
    redis.call('HSET', r, 'pool', 'general')
    pool = 'general'
  end
  local seat = find_seat(pool, places, view)
  if seat then
    take_seat(id, seat, places)
    set_status(id, 3, 1, seq)
  else
    -- Approved but full: they join the back of their pool's waiting list, with a new
    -- sequence for their place in the queue. B.."all" keeps its creation order: listings
    -- page over it, so a registration that moves never skips or repeats in a listing.
    local new_seq = redis.call('HINCRBY', ctx.B .. 'counts', 'seq', 1)
    redis.call('ZADD', ctx.B .. 'wait:' .. pool, new_seq, id)
    redis.call('HSET', r, 'seq', new_seq)
    set_status(id, 3, 2, new_seq)
  end
  history(id, 2, seat and 1 or 2, who)
  emit('approved', id, 3, organiser_extra)
  return {'ok', 0}
end

if action == 'update' then
  -- A cancelled or rejected registration changes no more, except that consent to marketing
  -- can always be withdrawn: an unsubscribe must reach every copy of the address's consent.
  if (status == 4 or status == 5) and (ARGV[10] ~= '' or ARGV[11] ~= '0') then
    return {'wrong_status', status}
  end
  if ARGV[10] ~= '' then redis.call('HSET', r, 'data', ARGV[10]) end
  if ARGV[11] ~= '' then redis.call('HSET', r, 'marketing', ARGV[11]) end
  redis.call('HSET', r, 'updated', ctx.now)
  redis.call('HINCRBY', r, 'version', 1)
  emit('updated', id, status)
  return {'ok', 0}
end

if action == 'attend' then
  if status ~= 1 then return {'wrong_status', status} end
  redis.call('HSET', r, 'attended', ARGV[10], 'updated', ctx.now)
  redis.call('HINCRBY', r, 'version', 1)
  history(id, ARGV[10] == '1' and 7 or 8, status, who)
  emit('attended', id, status, organiser_extra)
  return {'ok', 0}
end
return redis.error_reply('change.lua: unknown action ' .. action)
