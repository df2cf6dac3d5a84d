-- The key contract every script keeps (common/redis/README.md, "Scripts"): it names every
-- key whose name is fixed for the call in KEYS, all in one hash slot, and names any other
-- key only under the hash tag those keys share. Pasted in front of a store's own Lua
-- (named in front of a script in its events_lua_scripts() call).

-- The base shared by every KEYS entry: "<prefix>{<tag>}:", the text up to and including
-- the first hash tag and the colon after it. Fails the script when an entry has another
-- base (so keys of two slots fail on a single Redis too, not only in a cluster) or when the
-- script was called without KEYS. A key name or prefix never comes from ARGV.
local function declared_base()
  local base = nil
  for i, key in ipairs(KEYS) do
    local b = string.match(key, '^([^{]*{[^}]+}:)')
    if not b or (base and b ~= base) then
      error('KEYS[' .. i .. '] ' .. key .. ' is not in the hash slot of KEYS[1]')
    end
    base = b
  end
  if not base then error('called without KEYS: a script declares the keys it touches') end
  return base
end
