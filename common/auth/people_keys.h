#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "common/bus/keyspace.h"

namespace events::auth {

// Where people's data and sessions live in Redis: every key of the people service (members,
// organisations' member lists, links, rate counters, sessions) carries the hash tag of
// partition 0, "<prefix>{p0}:people:...", and people's domain events go to partition 0's
// stream, so every people script and the session read (lua/session.lua) touch one hash slot,
// on one Redis as on a cluster. One slot is enough: people's data is small and its traffic
// low (docs/people.md, "Keys"). The one place in C++ that names these keys; the scripts
// derive per-item keys from the keys they are given (services/people/store/lua/common.lua).
// Pure functions; thread-safe.
inline constexpr int kPeoplePartition = 0;

// "<prefix>{p0}:people:<suffix>", e.g. PeopleKey(keys, "link:ln_1").
std::string PeopleKey(const bus::Keyspace& keys, absl::string_view suffix);
// A member's hash: PeopleKey(keys, "member:<member_id>").
std::string MemberKey(const bus::Keyspace& keys, absl::string_view member_id);
// A session: PeopleKey(keys, "session:<session_hash>"), the hash being the SHA-256 (hex) of
// the token. Written only by the people service (the other services' Redis users may only
// read it, docs/redis-acl.md).
std::string SessionKey(const bus::Keyspace& keys, absl::string_view session_hash);
// A session's last use: PeopleKey(keys, "seen:<session_hash>"), the one key the session read
// (lua/session.lua) writes, so the one it is given in KEYS.
std::string SeenKey(const bus::Keyspace& keys, absl::string_view session_hash);

}  // namespace events::auth
