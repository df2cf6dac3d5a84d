-- Fires the due jobs of one partition. ARGV: 1 P  2 stream  3 maxlen  4 now  5 limit.
--   risk:<request id>  the request is still open: mark it at risk, index it by deadline
--                      under its organisation, emit accessibility.request_at_risk.
--   purge:<event id>   delete the encrypted details of every request of the event.
-- Each job is removed as it fires, so a restart neither loses nor doubles one.
-- Returns the number fired.
init_ctx(ARGV[1], ARGV[2], ARGV[3], ARGV[4])
local due = redis.call('ZRANGEBYSCORE', ctx.P .. 'jobs', '-inf', ctx.now, 'LIMIT', 0, ARGV[5])
for _, job in ipairs(due) do
  redis.call('ZREM', ctx.P .. 'jobs', job)
  local kind, id = string.match(job, '^(%a+):(.+)$')
  if kind == 'risk' then
    local f = redis.call('HMGET', req_key(id), 'status', 'org', 'deadline')
    if f[1] and is_open(f[1]) then
      redis.call('HSET', req_key(id), 'at_risk', '1')
      redis.call('ZADD', ctx.P .. 'atrisk:' .. f[2], tonumber(f[3]) or 0, id)
      emit_request('request_at_risk', id, f[1])
    end
  elseif kind == 'purge' then
    for _, rid in ipairs(redis.call('ZRANGE', event_key(id, 'requests'), 0, -1)) do
      delete_details(rid)
      -- A change read before this deletion must not write the details back.
      redis.call('HINCRBY', req_key(rid), 'version', 1)
    end
  end
end
return #due
