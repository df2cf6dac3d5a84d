-- Event-level changes.
-- KEYS: 1-6 the event's (common.lua, K)  7 the event's resend counter B.."rl:resend".
--       The per-pool and per-status indexes, the registrations a change promotes or moves,
--       a registration's resend counter and scheduling's event hash (read only) are derived
--       (common.lua, derive).
-- ARGV: 1 a record (cmsgpack map): event (the event id), now (unix ms), maxlen (the
--       stream's), traceparent (the caller's trace, "" none, carried by the events
--       emitted), action, and the action's fields:
--   facts:     org, status (an EventStatus name), version, starts, ends, opens, closes
--              (unix ms), capacity.
--              Stored unless the stored version is as new or newer; then puts places in
--              line with the capacity and promotes (a capacity rise frees places).
--              Returns {"ok", promoted} or {"stale"}.
--   settings:  expected_version (0: any), approval, companions (booleans), pools (the
--              pools spec "id:places,..."), data (the RegistrationSettings bytes).
--              Puts places and waiting lists in line with the new pools (common.lua,
--              reconcile), then promotes. Returns {"ok", new version, promoted} or
--              {"conflict", version}.
--   resend:    email (normalised), per_registration (at most this many per registration
--              per hour, 0: off), per_event (at most this many per event per hour, 0: off).
--              Emits registration.link_requested when registered and within both limits.
--              Returns {"ok", emitted 0/1}; the caller answers the same either way.
local rec = cmsgpack.unpack(ARGV[1])
init_ctx(rec.event, rec.maxlen, rec.now, nil, rec.traceparent)
local action = rec.action

if action == 'facts' then
  local stored = tonumber(redis.call('HGET', K.facts, 'version') or '-1')
  if stored >= rec.version then return {'stale'} end
  redis.call('HSET', K.facts, 'org', rec.org, 'status', rec.status, 'version', rec.version,
             'start', rec.starts, 'end', rec.ends, 'opens', rec.opens, 'closes', rec.closes,
             'capacity', rec.capacity)
  ctx.org = rec.org
  reconcile({})
  return {'ok', promote()}
end

if action == 'settings' then
  local version = tonumber(redis.call('HGET', K.settings, 'version') or '0')
  if rec.expected_version ~= 0 and rec.expected_version ~= version then
    return {'conflict', version}
  end
  local before = load_pools()
  local after = parse_pools(rec.pools)
  local removed = {}
  for id, _ in pairs(before) do
    if not after[id] then removed[#removed + 1] = id end
  end
  table.sort(removed)
  redis.call('HSET', K.settings, 'version', version + 1, 'approval', rec.approval and '1' or '0',
             'companions', rec.companions and '1' or '0', 'pools', rec.pools, 'data', rec.data)
  reconcile(removed)
  return {'ok', version + 1, promote()}
end

if action == 'resend' then
  local id = redis.call('HGET', K.emails, rec.email)
  if not id then return {'ok', 0} end
  -- Counted only for registered addresses (so a stranger's guesses create no keys), in a
  -- window that starts with the first request; keyed by registration id, not the address.
  local function within(key, limit)
    if limit <= 0 then return true end
    local n = redis.call('INCR', key)
    if n == 1 then redis.call('PEXPIRE', key, 3600000) end
    return n <= limit
  end
  if not within(ev_key('rl:resend:' .. id), rec.per_registration) then return {'ok', 0} end
  if not within(KEYS[7], rec.per_event) then return {'ok', 0} end
  local data = pb_str(1, id) .. pb_str(2, ctx.event) .. pb_str(3, ctx.org)
  emit_event(ctx.stream, ctx.maxlen, id .. ':link_requested:' .. ctx.now,
             'registration.link_requested', 'registration', ctx.now, id, ctx.org,
             'events.v1.RegistrationLinkRequested', data)
  return {'ok', 1}
end
return redis.error_reply('event.lua: unknown action ' .. tostring(action))
