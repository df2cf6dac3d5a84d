-- Shared by every integrations script: pasted in front of each one. The script text starts
-- with "#!lua" (the store adds it), so Redis Cluster refuses any key of another slot than
-- the script's KEYS.
--
-- The key contract. A script is routed to its node by its KEYS, so every key whose name is
-- fixed for the call is in KEYS (each script's header lists them). Keys the script can only
-- name as it runs (the deliveries it claims or creates, an organisation's dead-letter index
-- named by a stored delivery, a contact named by a stored registration) are made by
-- derived_key() and only there, from the base every declared key shares: the text up to and
-- including the hash tag, "<prefix>{p<N>}:" for a partition's deliveries or
-- "<prefix>int:{<org>}:" for an organisation's keys. declared_base checks that every KEYS
-- entry has that same base (so keys of two slots fail on a single Redis too, not only in a
-- cluster) and fails a script called without KEYS. No key name or prefix comes from ARGV.
-- docs/integrations.md ("Data in Redis") lists every key.

-- declared_base() is common/redis/lua/keys.lua put in front of this file.

local declared = declared_base()

-- The one place a key is named inside a script: under the declared keys' hash tag.
local function derived_key(suffix) return declared .. suffix end
