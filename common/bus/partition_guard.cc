// The recorded partition count: written once per installation, compared at every start.

#include "common/bus/partition_guard.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/redis/redis_client.h"

namespace events::bus {
namespace {

using events::redis::AsString;
using events::redis::IsNil;
using events::redis::ReplyPtr;

// EVENTS_PARTITIONS' range (common/config/service_config.cc): a stream of any count this or
// an older version could have used is below it.
constexpr int kMostPartitions = 1024;

// A refusal of this user's access to the record says which key the user needs, rather than
// Redis's bare NOPERM.
absl::Status Mapped(const absl::Status& status, const std::string& key) {
  if (absl::StrContains(status.message(), "NOPERM")) {
    return absl::FailedPreconditionError(absl::StrCat(
        "this service's Redis user may not read or write the key ", key,
        " (the installation's partition count); give every service's user read and write "
        "access to it (docs/redis-acl.md)"));
  }
  return status;
}

// Which partition streams exist, of the 1,024 any count could have.
absl::StatusOr<std::vector<bool>> ExistingStreams(events::redis::RedisClient& redis,
                                                  const Keyspace& keys) {
  std::vector<std::vector<std::string>> commands;
  commands.reserve(kMostPartitions);
  // One key per command: on a cluster the streams are on different nodes.
  for (int p = 0; p < kMostPartitions; ++p) commands.push_back({"EXISTS", keys.Stream(p)});
  absl::StatusOr<std::vector<ReplyPtr>> replies = redis.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  std::vector<bool> exists;
  exists.reserve(replies->size());
  for (const ReplyPtr& reply : *replies) {
    if (events::redis::IsError(*reply)) {
      return absl::InternalError(absl::StrCat("EXISTS failed: ", AsString(*reply)));
    }
    exists.push_back(events::redis::AsInt(*reply) > 0);
  }
  return exists;
}

// The count that data written without a record is keyed with, if the streams tell: every
// consumer makes the streams of all its partitions when it starts (MKSTREAM), so services
// that ran with N partitions leave exactly {p0} to {p<N-1>}. 0 when they do not tell (no
// stream, one stream, or streams with gaps: written by a tool or a test, not by services).
int CountFromStreams(const std::vector<bool>& exists) {
  int run = 0;
  while (run < static_cast<int>(exists.size()) && exists[static_cast<size_t>(run)]) ++run;
  for (size_t p = static_cast<size_t>(run); p < exists.size(); ++p) {
    if (exists[p]) return 0;
  }
  return run > 1 ? run : 0;
}

absl::Status Disagree(const Keyspace& keys, int recorded, const std::string& key) {
  return absl::FailedPreconditionError(absl::StrCat(
      "EVENTS_PARTITIONS is ", keys.partitions(), ", but this installation's data is keyed with ",
      recorded, " partitions (recorded in the Redis key ", key,
      "). A different count would put every event under other keys. Set EVENTS_PARTITIONS=",
      recorded, " for every service (docs/configuration.md, \"Partitions\")."));
}

// The count in the record, or FAILED_PRECONDITION when it holds something else.
absl::StatusOr<int> ParseRecord(const std::string& value, const std::string& key) {
  int count = 0;
  if (!absl::SimpleAtoi(value, &count) || count < 1 || count > kMostPartitions) {
    return absl::FailedPreconditionError(
        absl::StrCat("the Redis key ", key, " holds \"", value,
                     "\", not a partition count from 1 to ", kMostPartitions,
                     "; set it to the EVENTS_PARTITIONS this installation's data is keyed "
                     "with (docs/configuration.md, \"Partitions\")"));
  }
  return count;
}

absl::Status Compare(const Keyspace& keys, const std::string& value, const std::string& key) {
  absl::StatusOr<int> recorded = ParseRecord(value, key);
  if (!recorded.ok()) return recorded.status();
  if (*recorded != keys.partitions()) return Disagree(keys, *recorded, key);
  return absl::OkStatus();
}

}  // namespace

std::string PartitionsKey(const Keyspace& keys) { return keys.Global("events:partitions"); }

absl::StatusOr<int> InstallationPartitions(events::redis::RedisClient& redis,
                                           const Keyspace& keys) {
  const std::string key = PartitionsKey(keys);
  absl::StatusOr<ReplyPtr> record = redis.Command({"GET", key});
  if (!record.ok()) return Mapped(record.status(), key);
  if (!IsNil(**record)) return ParseRecord(AsString(**record), key);
  absl::StatusOr<std::vector<bool>> exists = ExistingStreams(redis, keys);
  if (!exists.ok()) return Mapped(exists.status(), key);
  return CountFromStreams(*exists);
}

absl::Status CheckPartitions(events::redis::RedisClient& redis, const Keyspace& keys) {
  const std::string key = PartitionsKey(keys);
  absl::StatusOr<ReplyPtr> record = redis.Command({"GET", key});
  if (!record.ok()) return Mapped(record.status(), key);
  if (!IsNil(**record)) return Compare(keys, AsString(**record), key);

  absl::StatusOr<std::vector<bool>> exists = ExistingStreams(redis, keys);
  if (!exists.ok()) return Mapped(exists.status(), key);
  if (const int ran_with = CountFromStreams(*exists);
      ran_with > 0 && ran_with != keys.partitions()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "EVENTS_PARTITIONS is ", keys.partitions(), ", but this Redis holds the streams of ",
        ran_with, " partitions ({p0}:events to {p", ran_with - 1,
        "}:events), made by services that ran before the partition count was recorded: its "
        "data is keyed with ",
        ran_with, " partitions. Set EVENTS_PARTITIONS=", ran_with,
        " for every service (docs/configuration.md, \"Partitions\")."));
  }
  for (int p = keys.partitions(); p < kMostPartitions; ++p) {
    if (!(*exists)[static_cast<size_t>(p)]) continue;
    return absl::FailedPreconditionError(absl::StrCat(
        "EVENTS_PARTITIONS is ", keys.partitions(), ", but this Redis holds the stream {p", p,
        "}:events, written before the partition count was recorded by something that used more "
        "partitions. Set EVENTS_PARTITIONS to the count this installation's data is keyed "
        "with, and if it cannot tell from the streams, record it first: redis-cli SET ",
        key, " <count> (as the admin Redis user; docs/configuration.md, \"Partitions\")."));
  }
  // A new installation, data keyed with the count configured, or a few entries a tool wrote
  // (eventctl admin bootstrap's invitation) within it: record it.
  // NX: of services starting together, the first write wins and the others compare with it.
  absl::StatusOr<ReplyPtr> set = redis.Command({"SET", key, absl::StrCat(keys.partitions()), "NX"});
  if (!set.ok()) return Mapped(set.status(), key);
  if (!IsNil(**set)) return absl::OkStatus();
  record = redis.Command({"GET", key});
  if (!record.ok()) return Mapped(record.status(), key);
  if (IsNil(**record)) {
    return absl::UnavailableError(absl::StrCat("the Redis key ", key, " vanished; try again"));
  }
  return Compare(keys, AsString(**record), key);
}

}  // namespace events::bus
