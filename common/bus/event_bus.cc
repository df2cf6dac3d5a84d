// Publishing: Publish for events without a script (scripts append theirs with xadd_event,
// lua/xadd_event.lua).

#include "common/bus/event_bus.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/redis/redis_client.h"

namespace events::bus {

static_assert(kStreamFieldCount == 18, "lua/xadd_event.lua copies exactly 18 ARGV strings");

absl::StatusOr<std::string> Publish(events::redis::RedisClient& redis, const Keyspace& keys,
                                    int partition, const events::v1::DomainEvent& event,
                                    int64_t maxlen) {
  if (partition < 0 || partition >= keys.partitions()) {
    return absl::InvalidArgumentError(
        absl::StrCat("partition ", partition, " is outside 0..", keys.partitions() - 1));
  }
  // Consumers cannot read an entry without these (FromStreamFields), so refuse to write it.
  if (event.id().empty() || event.type().empty()) {
    return absl::InvalidArgumentError("a domain event needs an id and a type to be published");
  }
  std::vector<std::string> argv = {"XADD", keys.Stream(partition)};
  if (maxlen > 0) {
    argv.insert(argv.end(), {"MAXLEN", "~", absl::StrCat(maxlen)});
  }
  argv.emplace_back("*");
  std::vector<std::string> fields = ToStreamFields(event);
  argv.insert(argv.end(), fields.begin(), fields.end());

  absl::StatusOr<events::redis::ReplyPtr> reply = redis.Command(argv);
  if (!reply.ok()) return reply.status();
  return events::redis::AsString(**reply);
}

}  // namespace events::bus
