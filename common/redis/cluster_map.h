#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/redis/redis_client.h"

namespace events::redis::internal {

// Which primary serves each hash slot, as one node reported it (CLUSTER SLOTS). Immutable
// once made, so callers share one through a shared_ptr while a newer one replaces it.
class SlotMap {
 public:
  // The primary serving `slot`, or nullptr when no node serves it (the cluster is down for
  // that slot, or still being formed).
  const RedisNode* PrimaryOf(int slot) const;
  // Where commands without a key go: the primary of slot 0 (the same one every time, so
  // SCRIPT FLUSH and SCRIPT EXISTS, say, reach the same node), or the first one known.
  const RedisNode& AnyPrimary() const;
  const std::vector<RedisNode>& primaries() const { return primaries_; }
  // Every replica named, for asking for the map again when primaries cannot be reached.
  const std::vector<RedisNode>& replicas() const { return replicas_; }

  // Reads a CLUSTER SLOTS reply: [[first, last, [host, port, id...], replica...]...]. A node
  // whose host is empty (Redis does not know how it is reached) is `asked`'s host. At least
  // one primary, or INTERNAL naming what was wrong.
  static absl::StatusOr<SlotMap> FromClusterSlots(const redisReply& reply, const RedisNode& asked);

 private:
  std::vector<RedisNode> primaries_;
  std::vector<RedisNode> replicas_;
  std::vector<int16_t> owner_;  // per slot: index into primaries_, or -1
};

bool SameNode(const RedisNode& a, const RedisNode& b);

// A MOVED or ASK error reply: "MOVED <slot> <host>:<port>". The host may be empty when the
// node does not know its own address; then it is `from`'s host (the node that answered).
struct Redirect {
  bool ask = false;  // ASK (one command, after ASKING) rather than MOVED (for good)
  int slot = 0;
  RedisNode node;
};
std::optional<Redirect> ParseRedirect(absl::string_view error, const RedisNode& from);

}  // namespace events::redis::internal
