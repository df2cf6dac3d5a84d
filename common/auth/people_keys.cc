// People's key names: one hash slot, partition 0's (people_keys.h).

#include "common/auth/people_keys.h"

#include "absl/strings/str_cat.h"

namespace events::auth {

std::string PeopleKey(const bus::Keyspace& keys, absl::string_view suffix) {
  return absl::StrCat(keys.PartitionPrefix(kPeoplePartition), "people:", suffix);
}

std::string MemberKey(const bus::Keyspace& keys, absl::string_view member_id) {
  return PeopleKey(keys, absl::StrCat("member:", member_id));
}

std::string SessionKey(const bus::Keyspace& keys, absl::string_view session_hash) {
  return PeopleKey(keys, absl::StrCat("session:", session_hash));
}

std::string SeenKey(const bus::Keyspace& keys, absl::string_view session_hash) {
  return PeopleKey(keys, absl::StrCat("seen:", session_hash));
}

}  // namespace events::auth
