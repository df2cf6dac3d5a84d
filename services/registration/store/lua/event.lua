-- Event-level changes. ARGV: 1 B  2 R  3 stream  4 maxlen  5 now  6 event id  7 action, then:
--   facts:     8 org  9 status  10 version  11 start  12 end  13 opens  14 closes  15 capacity
--              Stored unless the stored version is as new or newer; then puts places in
--              line with the capacity and promotes (a capacity rise frees places).
--              Returns {"ok", promoted} or {"stale"}.
--   settings:  8 expected version (0: any)  9 approval  10 companions  11 pools spec  12 data
--              Puts places and waiting lists in line with the new pools (common.lua,
--              reconcile), then promotes. Returns {"ok", new version, promoted} or
--              {"conflict", version}.
--   resend:    8 e-mail (normalised)  9 at most this many per registration per hour (0: off)
--              10 at most this many per event per hour (0: off). Emits
--              registration.link_requested when registered and within both limits.
--              Returns {"ok", emitted 0/1}; the caller answers the same either way.
init_ctx(ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6])
local action = ARGV[7]

if action == 'facts' then
  local key = ctx.B .. 'facts'
  local stored = tonumber(redis.call('HGET', key, 'version') or '-1')
  if stored >= tonumber(ARGV[10]) then return {'stale'} end
  redis.call('HSET', key, 'org', ARGV[8], 'status', ARGV[9], 'version', ARGV[10], 'start',
             ARGV[11], 'end', ARGV[12], 'opens', ARGV[13], 'closes', ARGV[14], 'capacity',
             ARGV[15])
  ctx.org = ARGV[8]
  reconcile({})
  return {'ok', promote()}
end

if action == 'settings' then
  local key = ctx.B .. 'settings'
  local version = tonumber(redis.call('HGET', key, 'version') or '0')
  local expected = tonumber(ARGV[8])
  if expected ~= 0 and expected ~= version then return {'conflict', version} end
  local before = load_pools()
  local after = parse_pools(ARGV[11])
  local removed = {}
  for id, _ in pairs(before) do
    if not after[id] then removed[#removed + 1] = id end
  end
  table.sort(removed)
  redis.call('HSET', key, 'version', version + 1, 'approval', ARGV[9], 'companions', ARGV[10],
             'pools', ARGV[11], 'data', ARGV[12])
  reconcile(removed)
  return {'ok', version + 1, promote()}
end

if action == 'resend' then
  local id = redis.call('HGET', ctx.B .. 'emails', ARGV[8])
  if not id then return {'ok', 0} end
  -- Counted only for registered addresses (so a stranger's guesses create no keys), in a
  -- window that starts with the first request; keyed by registration id, not the address.
  local function within(key, limit)
    if limit <= 0 then return true end
    local n = redis.call('INCR', key)
    if n == 1 then redis.call('PEXPIRE', key, 3600000) end
    return n <= limit
  end
  if not within(ctx.B .. 'rl:resend:' .. id, tonumber(ARGV[9])) then return {'ok', 0} end
  if not within(ctx.B .. 'rl:resend', tonumber(ARGV[10])) then return {'ok', 0} end
  local data = pb_str(1, id) .. pb_str(2, ctx.event) .. pb_str(3, ctx.org)
  emit_event(ctx.stream, ctx.maxlen, id .. ':link_requested:' .. ctx.now,
             'registration.link_requested', 'registration', ctx.now, id, ctx.org,
             'events.v1.RegistrationLinkRequested', data)
  return {'ok', 1}
end
return redis.error_reply('event.lua: unknown action ' .. action)
