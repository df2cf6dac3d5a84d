-- Appends one entry to an organisation's audit stream, or refuses when the stream holds the
-- configured maximum: an audit log is never trimmed behind anyone's back (no MAXLEN), so a
-- full log stops the reads it would record until an operator archives and trims it.
-- KEYS: 1 the audit stream. ARGV: 1 the maximum number of entries, then field, value pairs.
-- Returns {"ok", id} or {"full", length}.
local n = redis.call('XLEN', KEYS[1])
if n >= tonumber(ARGV[1]) then return {'full', tostring(n)} end
local entry = {}
for i = 2, #ARGV do entry[#entry + 1] = ARGV[i] end
return {'ok', redis.call('XADD', KEYS[1], '*', unpack(entry))}
