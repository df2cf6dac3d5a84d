// Consumer: consumer-group reads, claiming of stuck entries, and the dead-letter stream.

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/bus/event_bus.h"
#include "common/redis/redis_client.h"

namespace events::bus {
namespace {

using events::redis::ArrayAt;
using events::redis::ArraySize;
using events::redis::AsInt;
using events::redis::AsString;
using events::redis::IsNil;
using events::redis::ReplyPtr;

// Claims stuck entries and moves those delivered too often to the dead-letter stream, in one
// script: the copy and the XACK happen together or not at all, so an entry is never lost
// between them nor dead-lettered twice by two consumers.
//   KEYS: stream, dead-letter stream
//   ARGV: group, consumer, min idle ms, cursor, count, max deliveries
//   Returns {next cursor, {{id, delivery count, {field, value, ...}}, ...}, dead count}.
const events::redis::LuaScript& ClaimScript() {
  static const events::redis::LuaScript script("bus_claim", R"lua(
local stream, dead = KEYS[1], KEYS[2]
local group, consumer = ARGV[1], ARGV[2]
local max_deliveries = tonumber(ARGV[6])
local claimed = redis.call('XAUTOCLAIM', stream, group, consumer, ARGV[3], ARGV[4],
                           'COUNT', ARGV[5])
local live, dead_count = {}, 0
for _, entry in ipairs(claimed[2]) do
  local id, fields = entry[1], entry[2]
  if type(fields) ~= 'table' then
    -- Trimmed from the stream before anyone acked it (Redis 6.2 returns it with nil
    -- fields): there is nothing left to deliver.
    redis.call('XACK', stream, group, id)
  else
    -- XAUTOCLAIM has just counted this claim as a delivery.
    local pending = redis.call('XPENDING', stream, group, id, id, 1)
    local count = 1
    if pending[1] then count = pending[1][4] end
    if count > max_deliveries then
      local copy = {}
      for i = 1, #fields do copy[i] = fields[i] end
      local extra = {'dead_reason', 'not acked after ' .. (count - 1) ..
                         ' deliveries (max_deliveries ' .. max_deliveries .. ')',
                     'deliveries', tostring(count - 1),
                     'dead_group', group,
                     'dead_stream_id', id}
      for i = 1, #extra do copy[#copy + 1] = extra[i] end
      redis.call('XADD', dead, '*', unpack(copy))
      redis.call('XACK', stream, group, id)
      dead_count = dead_count + 1
    else
      live[#live + 1] = {id, count, fields}
    end
  end
end
-- Redis 7 lists entries deleted from the stream here and has already dropped them from
-- the pending list; the XACK only makes sure of it on any version.
local deleted = claimed[3]
if type(deleted) == 'table' and #deleted > 0 then
  redis.call('XACK', stream, group, unpack(deleted))
end
return {claimed[1], live, dead_count}
)lua");
  return script;
}

bool IsNoGroup(const absl::Status& status) {
  return absl::IsInternal(status) && absl::StrContains(status.message(), "NOGROUP");
}

// One stream entry ({id, {field, value, ...}}) as a Delivery; an entry that does not parse is
// still delivered, with parse_error set, so the caller can ack it (or alert) instead of
// having it come back forever.
Delivery ToDelivery(int partition, const redisReply& id, const redisReply& fields,
                    int64_t delivery_count) {
  Delivery delivery;
  delivery.partition = partition;
  delivery.stream_id = AsString(id);
  delivery.delivery_count = delivery_count;
  std::vector<std::pair<std::string, std::string>> pairs;
  for (size_t i = 0; i + 1 < ArraySize(fields); i += 2) {
    pairs.emplace_back(AsString(ArrayAt(fields, i)), AsString(ArrayAt(fields, i + 1)));
  }
  absl::StatusOr<events::v1::DomainEvent> event = FromStreamFields(pairs);
  if (event.ok()) {
    delivery.event = *std::move(event);
    delivery.event.set_stream_id(delivery.stream_id);
  } else {
    delivery.parse_error = std::string(event.status().message());
  }
  return delivery;
}

}  // namespace

Consumer::Consumer(events::redis::RedisClient& redis, const Keyspace& keys, ConsumerOptions options)
    : redis_(redis),
      keys_(keys),
      options_(std::move(options)),
      claim_cursors_(keys.partitions(), "0-0") {
  options_.batch_size = std::max(1, options_.batch_size);
  options_.max_deliveries = std::max(1, options_.max_deliveries);
}

absl::Status Consumer::EnsureGroups() {
  // One round trip for every partition.
  std::vector<std::vector<std::string>> commands;
  commands.reserve(static_cast<size_t>(std::max(0, keys_.partitions())));
  for (int p = 0; p < keys_.partitions(); ++p) {
    commands.push_back({"XGROUP", "CREATE", keys_.Stream(p), options_.group, "0", "MKSTREAM"});
  }
  absl::StatusOr<std::vector<ReplyPtr>> replies = redis_.Pipeline(commands);
  if (!replies.ok()) return replies.status();
  for (const ReplyPtr& reply : *replies) {
    const std::string error = AsString(*reply);
    if (error == "OK" || absl::StartsWith(error, "BUSYGROUP")) continue;
    return absl::InternalError(
        absl::StrCat("Could not create consumer group ", options_.group, ": ", error));
  }
  return absl::OkStatus();
}

absl::Status Consumer::EnsureGroup(int partition) {
  absl::StatusOr<ReplyPtr> reply = redis_.Command(
      {"XGROUP", "CREATE", keys_.Stream(partition), options_.group, "0", "MKSTREAM"});
  if (!reply.ok() && !absl::StrContains(reply.status().message(), "BUSYGROUP")) {
    return reply.status();
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Delivery>> Consumer::Poll() {
  std::vector<Delivery> out;
  const int partitions = keys_.partitions();
  const int start = next_partition_;
  next_partition_ = (next_partition_ + 1) % partitions;
  for (int i = 0; i < partitions; ++i) {
    const int partition = (start + i) % partitions;
    const int room = options_.batch_size - static_cast<int>(out.size());
    if (room <= 0) break;
    absl::Status status = ClaimStuck(partition, room, out);
    if (status.ok()) {
      const int left = options_.batch_size - static_cast<int>(out.size());
      if (left > 0) status = ReadNew(partition, left, out);
    }
    if (!status.ok()) {
      // Entries already read are pending on this consumer; handing them over now saves
      // waiting claim_idle for them. The error shows up again on the next Poll.
      if (!out.empty()) return out;
      return status;
    }
  }
  return out;
}

absl::Status Consumer::ClaimStuck(int partition, int limit, std::vector<Delivery>& out) {
  const std::vector<std::string> keys = {keys_.Stream(partition),
                                         keys_.DeadLetterStream(partition)};
  const std::vector<std::string> args = {options_.group,
                                         options_.consumer,
                                         absl::StrCat(options_.claim_idle.count()),
                                         claim_cursors_[partition],
                                         absl::StrCat(limit),
                                         absl::StrCat(options_.max_deliveries)};
  absl::StatusOr<ReplyPtr> reply = redis_.Eval(ClaimScript(), keys, args);
  if (IsNoGroup(reply.status())) {
    // The stream or group vanished (FLUSHDB, a fresh Redis); recreate it, nothing to claim.
    claim_cursors_[partition] = "0-0";
    return EnsureGroup(partition);
  }
  if (!reply.ok()) return reply.status();
  const redisReply& result = **reply;
  if (ArraySize(result) != 3) {
    return absl::InternalError("bus_claim script returned an unexpected reply");
  }
  claim_cursors_[partition] = AsString(ArrayAt(result, 0));
  if (claim_cursors_[partition].empty()) claim_cursors_[partition] = "0-0";
  const redisReply& live = ArrayAt(result, 1);
  for (size_t i = 0; i < ArraySize(live); ++i) {
    const redisReply& entry = ArrayAt(live, i);
    out.push_back(
        ToDelivery(partition, ArrayAt(entry, 0), ArrayAt(entry, 2), AsInt(ArrayAt(entry, 1))));
  }
  return absl::OkStatus();
}

absl::Status Consumer::ReadNew(int partition, int limit, std::vector<Delivery>& out) {
  const std::vector<std::string> argv = {"XREADGROUP",
                                         "GROUP",
                                         options_.group,
                                         options_.consumer,
                                         "COUNT",
                                         absl::StrCat(limit),
                                         "STREAMS",
                                         keys_.Stream(partition),
                                         ">"};
  absl::StatusOr<ReplyPtr> reply = redis_.Command(argv);
  if (IsNoGroup(reply.status())) {
    absl::Status created = EnsureGroup(partition);
    if (!created.ok()) return created;
    reply = redis_.Command(argv);
  }
  if (!reply.ok()) return reply.status();
  // Nothing new is a nil reply; otherwise {{stream, {{id, fields}, ...}}}.
  if (IsNil(**reply)) return absl::OkStatus();
  const redisReply& entries = ArrayAt(ArrayAt(**reply, 0), 1);
  for (size_t i = 0; i < ArraySize(entries); ++i) {
    const redisReply& entry = ArrayAt(entries, i);
    out.push_back(ToDelivery(partition, ArrayAt(entry, 0), ArrayAt(entry, 1), 1));
  }
  return absl::OkStatus();
}

absl::Status Consumer::Ack(const Delivery& delivery) {
  if (delivery.partition < 0 || delivery.partition >= keys_.partitions()) {
    return absl::InvalidArgumentError(absl::StrCat("delivery partition ", delivery.partition,
                                                   " is outside 0..", keys_.partitions() - 1));
  }
  // Acking an entry that is no longer pending (acked already, dead-lettered) is a no-op, so
  // a retried Ack is safe.
  absl::StatusOr<ReplyPtr> reply = redis_.Command(
      {"XACK", keys_.Stream(delivery.partition), options_.group, delivery.stream_id});
  return reply.ok() ? absl::OkStatus() : reply.status();
}

absl::Status Consumer::AckAll(const std::vector<const Delivery*>& deliveries) {
  std::vector<std::vector<std::string>> commands(keys_.partitions());
  for (const Delivery* d : deliveries) {
    if (d->partition < 0 || d->partition >= keys_.partitions()) {
      return absl::InvalidArgumentError(absl::StrCat("delivery partition ", d->partition,
                                                     " is outside 0..", keys_.partitions() - 1));
    }
    std::vector<std::string>& xack = commands[d->partition];
    if (xack.empty()) xack = {"XACK", keys_.Stream(d->partition), options_.group};
    xack.push_back(d->stream_id);
  }
  std::vector<std::vector<std::string>> batch;
  for (auto& c : commands) {
    if (!c.empty()) batch.push_back(std::move(c));
  }
  if (batch.empty()) return absl::OkStatus();
  absl::StatusOr<std::vector<ReplyPtr>> replies = redis_.Pipeline(batch);
  if (!replies.ok()) return replies.status();
  for (const ReplyPtr& r : *replies) {
    if (events::redis::IsError(*r)) {
      return absl::InternalError(absl::StrCat("XACK failed: ", AsString(*r)));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<PollResult> PollAndAck(
    Consumer& consumer, const std::function<absl::StatusOr<Handled>(const Delivery&)>& handle) {
  absl::StatusOr<std::vector<Delivery>> deliveries = consumer.Poll();
  if (!deliveries.ok()) return deliveries.status();
  std::vector<const Delivery*> done;
  PollResult result;
  for (const Delivery& delivery : *deliveries) {
    absl::StatusOr<Handled> handled = handle(delivery);
    if (!handled.ok()) {
      result.stopped = handled.status();
      break;
    }
    if (*handled == Handled::kAck) done.push_back(&delivery);
  }
  if (absl::Status ack = consumer.AckAll(done); !ack.ok()) {
    return absl::Status(ack.code(), absl::StrCat("could not ack ", done.size(),
                                                 " stream entries: ", ack.message()));
  }
  result.acked = static_cast<int>(done.size());
  return result;
}

}  // namespace events::bus
