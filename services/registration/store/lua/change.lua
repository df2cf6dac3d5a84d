-- One change to one registration, then promotion of whoever waits for a freed place.
-- KEYS: 1-6 the event's (common.lua, K)  7 the registration's hash R..<id>
--       8 its history R..<id>..":history". The registrations a freed place promotes, the
--       per-pool and per-status indexes, and scheduling's event hash (read only) are derived
--       (common.lua, derive).
-- ARGV: 1 a record (cmsgpack map):
--   event    the event id             now      unix ms        maxlen   the stream's maxlen
--   traceparent  the caller's trace (W3C; "" none), carried by the events emitted
--   id       the registration id      action   cancel | approve | reject | update | attend
--   token    the token hash ("" when an organiser acts; otherwise it must match)
--   data     for update: the new Registration bytes ("" keeps them)
--   marketing  for update: true/false, absent to keep it
--   attended for attend: true or false
--   who      who acts, when an organiser does: RegistrationHistoryEntry bytes (actor, name,
--            and for cancel the reason) for the history; the attendee (a token) is written
--            as such whatever this says
--   reason   for cancel by an organiser: the reason ("" none), for the domain event
-- Every status change and attendance mark appends to the registration's history
-- (common.lua, history) in this same step; updates (name, consent) do not.
-- Returns {"ok", promoted} or {"not_found"} or {"wrong_status", status}, or for approve
-- {"event_ended"} when the event is cancelled or over (common.lua, event_ended).
local rec = cmsgpack.unpack(ARGV[1])
init_ctx(rec.event, rec.maxlen, rec.now, nil, rec.traceparent)
local id, action, token = rec.id, rec.action, rec.token
local r = KEYS[7]
local f = redis.call('HMGET', r, 'status', 'token', 'pool', 'seq', 'email', 'event')
if not f[1] or f[6] ~= ctx.event then return {'not_found'} end
if token ~= '' and f[2] ~= token then return {'not_found'} end
local status, pool, seq = tonumber(f[1]), f[3], tonumber(f[4])
local by_organiser = token == ''
local who = by_organiser and rec.who or kByAttendee
-- What the domain event adds for a change an organiser made.
local organiser_extra = by_organiser and pb_int(13, 1) or ''

if action == 'cancel' then
  if status == 4 or status == 5 then return {'wrong_status', status} end
  if status == 1 then free_seat(id) end
  if status == 2 then redis.call('ZREM', ev_key('wait:' .. pool), id) end
  set_status(id, status, 4, seq)
  -- The e-mail may register again.
  redis.call('HDEL', K.emails, f[5])
  history(id, by_organiser and 5 or 4, 4, who)
  emit('cancelled', id, status, (by_organiser and pb_str(12, rec.reason) or '') .. organiser_extra)
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
    redis.call('ZREM', ev_key('pool:' .. pool), id)
    redis.call('ZADD', ev_key('pool:general'), seq, id)
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
    local new_seq = redis.call('HINCRBY', K.counts, 'seq', 1)
    redis.call('ZADD', ev_key('wait:' .. pool), new_seq, id)
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
  if (status == 4 or status == 5) and (rec.data ~= '' or rec.marketing ~= false) then
    return {'wrong_status', status}
  end
  if rec.data ~= '' then redis.call('HSET', r, 'data', rec.data) end
  if rec.marketing ~= nil then redis.call('HSET', r, 'marketing', rec.marketing and '1' or '0') end
  redis.call('HSET', r, 'updated', ctx.now)
  redis.call('HINCRBY', r, 'version', 1)
  emit('updated', id, status)
  return {'ok', 0}
end

if action == 'attend' then
  if status ~= 1 then return {'wrong_status', status} end
  redis.call('HSET', r, 'attended', rec.attended and '1' or '0', 'updated', ctx.now)
  redis.call('HINCRBY', r, 'version', 1)
  history(id, rec.attended and 7 or 8, status, who)
  emit('attended', id, status, organiser_extra)
  return {'ok', 0}
end
return redis.error_reply('change.lua: unknown action ' .. action)
