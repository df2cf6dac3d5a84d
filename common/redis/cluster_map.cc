// SlotMap: the slot owners from CLUSTER SLOTS; MOVED and ASK replies.

#include "common/redis/cluster_map.h"

#include <hiredis/hiredis.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/redis/cluster_slot.h"
#include "common/redis/connection.h"

namespace events::redis::internal {
namespace {

// Index of `node` in `nodes`, appended if not there yet.
size_t IndexOf(std::vector<RedisNode>& nodes, const RedisNode& node) {
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (SameNode(nodes[i], node)) return i;
  }
  nodes.push_back(node);
  return nodes.size() - 1;
}

// [host, port, id, ...] of CLUSTER SLOTS.
std::optional<RedisNode> NodeAt(const redisReply& entry, const RedisNode& asked) {
  if (entry.type != REDIS_REPLY_ARRAY || entry.elements < 2) return std::nullopt;
  const redisReply& host = *entry.element[0];
  const redisReply& port = *entry.element[1];
  if (host.type != REDIS_REPLY_STRING || port.type != REDIS_REPLY_INTEGER || port.integer < 1 ||
      port.integer > 65535) {
    return std::nullopt;
  }
  RedisNode node{AsString(host), static_cast<int>(port.integer)};
  // Redis 7 may answer "" (unknown endpoint) or "?": reach it as we reached the one asked.
  if (node.host.empty() || node.host == "?") node.host = asked.host;
  return node;
}

}  // namespace

bool SameNode(const RedisNode& a, const RedisNode& b) {
  return a.port == b.port && a.host == b.host;
}

const RedisNode* SlotMap::PrimaryOf(int slot) const {
  if (slot < 0 || slot >= kClusterSlots || owner_.empty()) return nullptr;
  const int16_t owner = owner_[static_cast<size_t>(slot)];
  return owner < 0 ? nullptr : &primaries_[static_cast<size_t>(owner)];
}

const RedisNode& SlotMap::AnyPrimary() const {
  const RedisNode* first = PrimaryOf(0);
  return first != nullptr ? *first : primaries_.front();
}

absl::StatusOr<SlotMap> SlotMap::FromClusterSlots(const redisReply& reply, const RedisNode& asked) {
  const std::string from = Endpoint(asked);
  if (reply.type != REDIS_REPLY_ARRAY) {
    return absl::InternalError(
        absl::StrCat("Redis at ", from, " answered CLUSTER SLOTS with something else than a list"));
  }
  SlotMap map;
  map.owner_.assign(kClusterSlots, -1);
  for (size_t i = 0; i < reply.elements; ++i) {
    const redisReply& range = *reply.element[i];
    if (range.type != REDIS_REPLY_ARRAY || range.elements < 3 ||
        range.element[0]->type != REDIS_REPLY_INTEGER ||
        range.element[1]->type != REDIS_REPLY_INTEGER) {
      return absl::InternalError(
          absl::StrCat("Redis at ", from, " answered CLUSTER SLOTS with a malformed range"));
    }
    const long long first = range.element[0]->integer;
    const long long last = range.element[1]->integer;
    std::optional<RedisNode> primary = NodeAt(*range.element[2], asked);
    if (first < 0 || last >= kClusterSlots || first > last || !primary.has_value()) {
      return absl::InternalError(absl::StrCat("Redis at ", from,
                                              " answered CLUSTER SLOTS with a bad range ", first,
                                              "-", last, " or node"));
    }
    const auto owner = static_cast<int16_t>(IndexOf(map.primaries_, *primary));
    for (long long slot = first; slot <= last; ++slot)
      map.owner_[static_cast<size_t>(slot)] = owner;
    for (size_t r = 3; r < range.elements; ++r) {
      std::optional<RedisNode> replica = NodeAt(*range.element[r], asked);
      if (replica.has_value()) IndexOf(map.replicas_, *replica);
    }
  }
  if (map.primaries_.empty()) {
    return absl::UnavailableError(
        absl::StrCat("Redis at ", from,
                     " serves no hash slots yet; is the cluster formed (redis-cli --cluster "
                     "create)?"));
  }
  return map;
}

std::optional<Redirect> ParseRedirect(absl::string_view error, const RedisNode& from) {
  Redirect redirect;
  if (absl::StartsWith(error, "MOVED ")) {
    error.remove_prefix(6);
  } else if (absl::StartsWith(error, "ASK ")) {
    redirect.ask = true;
    error.remove_prefix(4);
  } else {
    return std::nullopt;
  }
  const size_t space = error.find(' ');
  if (space == absl::string_view::npos) return std::nullopt;
  if (!absl::SimpleAtoi(error.substr(0, space), &redirect.slot) || redirect.slot < 0 ||
      redirect.slot >= kClusterSlots) {
    return std::nullopt;
  }
  const absl::string_view address = error.substr(space + 1);
  // The last ':' ends the host, so an IPv6 address ("::1:7000") reads right too.
  const size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos) return std::nullopt;
  redirect.node.host = std::string(address.substr(0, colon));
  if (!absl::SimpleAtoi(address.substr(colon + 1), &redirect.node.port) || redirect.node.port < 1 ||
      redirect.node.port > 65535) {
    return std::nullopt;
  }
  if (redirect.node.host.empty()) redirect.node.host = from.host;
  return redirect;
}

}  // namespace events::redis::internal
