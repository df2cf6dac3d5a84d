-- Replaces an organisation's sender settings if the stored version is the expected one.
-- KEYS: 1 the settings hash
-- ARGV: 1 expected version (0: none stored yet)  2 now ms  3 from name  4 reply-to
--       5 footer  6 coordinator addresses, one per line
-- Returns the new version, or -1 when the stored version is another.
local stored = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if stored ~= tonumber(ARGV[1]) then return -1 end
redis.call('HSET', KEYS[1], 'version', stored + 1, 'updated', ARGV[2], 'from_name', ARGV[3],
  'reply_to', ARGV[4], 'footer', ARGV[5], 'coordinators', ARGV[6])
return stored + 1
