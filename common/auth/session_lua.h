#pragma once

namespace events::auth {

// The Lua of people's sessions, embedded from common/auth/lua/ by cmake/EmbedLua.cmake
// (docs/auth.md, "Sessions of signed-in people"):
//   kLuaSession_rule: read_session(session, seen) and session_open(s, now), the one rule of
//                     when a session is open (absolute end, idle time, the seen key), pasted
//                     in front of session.lua and of the people service's scripts that judge
//                     a session (services/people/store/lua/common.lua);
//   kLuaSession:      the session read every service's Authenticator runs (after
//                     kLuaSession_rule), KEYS[1] the session's seen key (SeenKey).
extern const char* const kLuaSession_rule;
extern const char* const kLuaSession;

}  // namespace events::auth
