// Consumer: consumer-group reads, claiming of stuck entries, and the dead-letter stream, every
// partition in two pipelined round trips per poll (common/bus/lua/probe.lua and poll.lua).

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/bus/bus_scripts.h"
#include "common/bus/event_bus.h"
#include "common/redis/redis_client.h"

namespace events::bus {
namespace {

using events::redis::ArrayAt;
using events::redis::ArraySize;
using events::redis::AsInt;
using events::redis::AsString;
using events::redis::ReplyPtr;
using events::redis::ScriptCall;

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

// Appends to `out` what the poll script returned for `partition`, keeps its claim cursor, and
// counts the entries it claimed and dead-lettered.
absl::Status TakeReply(int partition, const absl::StatusOr<ReplyPtr>& reply, std::string& cursor,
                       std::vector<Delivery>& out, ConsumerCounts& counts) {
  if (!reply.ok()) return reply.status();
  const redisReply& result = **reply;
  if (ArraySize(result) != 4) {
    return absl::InternalError("bus_poll script returned an unexpected reply");
  }
  cursor = AsString(ArrayAt(result, 0));
  if (cursor.empty()) cursor = "0-0";
  const redisReply& claimed = ArrayAt(result, 1);
  counts.redeliveries.fetch_add(ArraySize(claimed), std::memory_order_relaxed);
  counts.dead_letters.fetch_add(
      static_cast<uint64_t>(std::max<int64_t>(0, AsInt(ArrayAt(result, 2)))),
      std::memory_order_relaxed);
  for (size_t i = 0; i < ArraySize(claimed); ++i) {
    const redisReply& entry = ArrayAt(claimed, i);
    out.push_back(
        ToDelivery(partition, ArrayAt(entry, 0), ArrayAt(entry, 2), AsInt(ArrayAt(entry, 1))));
  }
  const redisReply& fresh = ArrayAt(result, 3);
  for (size_t i = 0; i < ArraySize(fresh); ++i) {
    const redisReply& entry = ArrayAt(fresh, i);
    out.push_back(ToDelivery(partition, ArrayAt(entry, 0), ArrayAt(entry, 1), 1));
  }
  return absl::OkStatus();
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

absl::StatusOr<std::vector<Consumer::Allotment>> Consumer::Allot(int start) {
  const int partitions = keys_.partitions();
  std::vector<ScriptCall> probes;
  probes.reserve(static_cast<size_t>(partitions));
  for (int p = 0; p < partitions; ++p) {
    probes.push_back({{keys_.Stream(p)},
                      {options_.group, absl::StrCat(options_.claim_idle.count()),
                       absl::StrCat(options_.batch_size)}});
  }
  absl::StatusOr<std::vector<absl::StatusOr<ReplyPtr>>> replies =
      redis_.EvalMany(lua::Probe(), probes);
  if (!replies.ok()) return replies.status();
  // The batch goes to the partitions in turn from `start`, each taking what it has (claims
  // and new entries), until it is full: what one Poll of before took, partition by
  // partition, without asking each one twice to find out.
  std::vector<Allotment> allotted;
  absl::Status first_error;
  int room = options_.batch_size;
  for (int i = 0; i < partitions && room > 0; ++i) {
    const int partition = (start + i) % partitions;
    const absl::StatusOr<ReplyPtr>& reply = (*replies)[static_cast<size_t>(partition)];
    if (!reply.ok() || ArraySize(**reply) != 3) {
      if (first_error.ok()) {
        first_error = reply.ok()
                          ? absl::InternalError("bus_probe script returned an unexpected reply")
                          : reply.status();
      }
      continue;
    }
    const int64_t waiting = AsInt(ArrayAt(**reply, 1)) + AsInt(ArrayAt(**reply, 2));
    const int limit = static_cast<int>(std::min<int64_t>(waiting, room));
    if (limit <= 0) continue;
    allotted.push_back({partition, limit});
    room -= limit;
  }
  if (allotted.empty() && !first_error.ok()) return first_error;
  return allotted;
}

absl::StatusOr<std::vector<Delivery>> Consumer::Poll() {
  const int start = next_partition_;
  next_partition_ = (next_partition_ + 1) % keys_.partitions();
  absl::StatusOr<std::vector<Allotment>> allotted = Allot(start);
  if (!allotted.ok()) return allotted.status();
  std::vector<Delivery> out;
  if (allotted->empty()) return out;

  std::vector<ScriptCall> calls;
  calls.reserve(allotted->size());
  for (const Allotment& a : *allotted) {
    calls.push_back({{keys_.Stream(a.partition), keys_.DeadLetterStream(a.partition)},
                     {options_.group, options_.consumer, absl::StrCat(options_.claim_idle.count()),
                      claim_cursors_[static_cast<size_t>(a.partition)], absl::StrCat(a.limit),
                      absl::StrCat(options_.max_deliveries)}});
  }
  absl::StatusOr<std::vector<absl::StatusOr<ReplyPtr>>> replies =
      redis_.EvalMany(lua::Poll(), calls);
  if (!replies.ok()) return replies.status();
  absl::Status first_error;
  for (size_t i = 0; i < allotted->size(); ++i) {
    const int partition = (*allotted)[i].partition;
    absl::Status read = TakeReply(partition, (*replies)[i],
                                  claim_cursors_[static_cast<size_t>(partition)], out, *counts_);
    if (first_error.ok()) first_error = read;
  }
  // Entries already read are pending on this consumer; handing them over now saves waiting
  // claim_idle for them. The error shows up again on the next Poll.
  if (out.empty() && !first_error.ok()) return first_error;
  return out;
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
