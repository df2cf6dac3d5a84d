-- Fires the due jobs of one partition (common/redis/lua/jobs.lua: each is removed in this
-- script once its work is done).
-- KEYS: 1 P.."jobs"  2 the partition's stream; the requests a job names, and their
--       organisation's at-risk index, through derived_key (common.lua).
-- ARGV: 1 now  2 limit  3 maxlen (of the stream)  4 traceparent of the poll (the events
--       emitted carry it; "" none)
--   risk:<request id>  the request is still open: mark it at risk, index it by deadline
--                      under its organisation, emit accessibility.request_at_risk.
--   purge:<event id>   delete the encrypted details of every request of the event.
-- These were the service's job members before the format was shared, so no older format to
-- read. Returns the number fired (every job taken counts, as before).
init_ctx(KEYS[1], KEYS[2], ARGV[3], ARGV[1], ARGV[4])
return fire_due_jobs(ctx.jobs, ctx.now, ARGV[2], {
  risk = function(id)
    local f = redis.call('HMGET', req_key(id), 'status', 'org', 'deadline')
    if f[1] and is_open(f[1]) then
      redis.call('HSET', req_key(id), 'at_risk', '1')
      mark_risk(id, f[2], tonumber(f[3]) or 0)
      emit_request('request_at_risk', id, f[1])
    end
    return true
  end,
  purge = function(event)
    for _, rid in ipairs(redis.call('ZRANGE', event_key(event, 'requests'), 0, -1)) do
      delete_details(rid)
      -- A change read before this deletion must not write the details back.
      redis.call('HINCRBY', req_key(rid), 'version', 1)
    end
    return true
  end,
})
