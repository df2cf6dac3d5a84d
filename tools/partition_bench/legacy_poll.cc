#include "tools/partition_bench/legacy_poll.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace events::partition_bench {
namespace {

using events::redis::ArrayAt;
using events::redis::ArraySize;
using events::redis::AsString;
using events::redis::IsNil;
using events::redis::ReplyPtr;

// The claim script of before, as it was (common/bus/consumer.cc at a5ae62b).
const events::redis::LuaScript& LegacyClaimScript() {
  static const events::redis::LuaScript script("bench_legacy_claim", R"lua(
local stream, dead = KEYS[1], KEYS[2]
local group, consumer = ARGV[1], ARGV[2]
local max_deliveries = tonumber(ARGV[6])
local claimed = redis.call('XAUTOCLAIM', stream, group, consumer, ARGV[3], ARGV[4],
                           'COUNT', ARGV[5])
local live, dead_count = {}, 0
for _, entry in ipairs(claimed[2]) do
  local id, fields = entry[1], entry[2]
  if type(fields) ~= 'table' then
    redis.call('XACK', stream, group, id)
  else
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
local deleted = claimed[3]
if type(deleted) == 'table' and #deleted > 0 then
  redis.call('XACK', stream, group, unpack(deleted))
end
return {claimed[1], live, dead_count}
)lua");
  return script;
}

events::bus::Delivery ToDelivery(int partition, const redisReply& entry) {
  events::bus::Delivery d;
  d.partition = partition;
  d.stream_id = AsString(ArrayAt(entry, 0));
  return d;
}

}  // namespace

LegacyPoller::LegacyPoller(events::redis::RedisClient& redis, const events::bus::Keyspace& keys,
                           events::bus::ConsumerOptions options)
    : redis_(redis),
      keys_(keys),
      options_(std::move(options)),
      cursors_(keys.partitions(), "0-0") {}

absl::StatusOr<std::vector<events::bus::Delivery>> LegacyPoller::Poll(int64_t* round_trips) {
  std::vector<events::bus::Delivery> out;
  const int partitions = keys_.partitions();
  const int start = next_;
  next_ = (next_ + 1) % partitions;
  for (int i = 0; i < partitions; ++i) {
    const int p = (start + i) % partitions;
    int room = options_.batch_size - static_cast<int>(out.size());
    if (room <= 0) break;
    absl::StatusOr<ReplyPtr> claimed =
        redis_.Eval(LegacyClaimScript(), {keys_.Stream(p), keys_.DeadLetterStream(p)},
                    {options_.group, options_.consumer, absl::StrCat(options_.claim_idle.count()),
                     cursors_[p], absl::StrCat(room), absl::StrCat(options_.max_deliveries)});
    ++*round_trips;
    if (!claimed.ok()) return claimed.status();
    cursors_[p] = AsString(ArrayAt(**claimed, 0));
    if (cursors_[p].empty()) cursors_[p] = "0-0";
    const redisReply& live = ArrayAt(**claimed, 1);
    for (size_t k = 0; k < ArraySize(live); ++k) out.push_back(ToDelivery(p, ArrayAt(live, k)));
    room = options_.batch_size - static_cast<int>(out.size());
    if (room <= 0) break;
    absl::StatusOr<ReplyPtr> read =
        redis_.Command({"XREADGROUP", "GROUP", options_.group, options_.consumer, "COUNT",
                        absl::StrCat(room), "STREAMS", keys_.Stream(p), ">"});
    ++*round_trips;
    if (!read.ok()) return read.status();
    if (IsNil(**read)) continue;
    const redisReply& entries = ArrayAt(ArrayAt(**read, 0), 1);
    for (size_t k = 0; k < ArraySize(entries); ++k) {
      out.push_back(ToDelivery(p, ArrayAt(entries, k)));
    }
  }
  return out;
}

}  // namespace events::partition_bench
