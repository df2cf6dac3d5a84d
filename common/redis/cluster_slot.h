#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace events::redis::internal {

// Redis Cluster's hash slots: 16384 of them, and every key belongs to one.
inline constexpr int kClusterSlots = 16384;

// The slot of `key`, as CLUSTER KEYSLOT gives it: CRC16 (XMODEM) of the key modulo 16384,
// or of its hash tag, the part between the first '{' and the first '}' after it, when that
// part is not empty. Keys that share a tag share a slot, so one script or MULTI may touch
// them all.
int KeySlot(absl::string_view key);

// The index in `argv` of the key that routes the command to its node in a cluster, or -1
// for a command without keys (PING, TIME, INFO, SCRIPT, CLUSTER, ACL...), which any primary
// may run. Most commands: argv[1]. EVAL/EVALSHA/FCALL: the first of KEYS (none: -1).
// XREAD/XREADGROUP: the first after STREAMS. XGROUP, XINFO STREAM/GROUPS/CONSUMERS, MEMORY
// USAGE, OBJECT ...: argv[2]. Commands whose key count comes first (LMPOP, ZUNION...): the
// first key after it. A multi-key command routes by its first key; if the others are in
// another slot, Redis answers CROSSSLOT and that is passed on.
int RoutingKeyIndex(const std::vector<std::string>& argv);

// The slot of the command's routing key, or -1 when it has none.
int CommandSlot(const std::vector<std::string>& argv);

}  // namespace events::redis::internal
