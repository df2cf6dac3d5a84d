-- Claims an organisation's name for it (RedisKeyStore::ClaimOrganisationName), in one step on
-- one key, so two bootstraps of one name at once cannot both win.
-- KEYS[1] the "org-names" hash (name key -> organisation id)
-- ARGV: 1 the name's key  2 the organisation claiming it  3 the organisation whose name it
--       may replace ("" for none)
-- Returns the organisation that holds the name afterwards.
local holder = redis.call('HGET', KEYS[1], ARGV[1])
if not holder or (ARGV[3] ~= '' and holder == ARGV[3]) then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  return ARGV[2]
end
return holder
