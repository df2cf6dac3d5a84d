#include "tools/partition_bench/legacy_poll.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "tools/partition_bench/bench_scripts.h"

namespace events::partition_bench {
namespace {

using events::redis::ArrayAt;
using events::redis::ArraySize;
using events::redis::AsString;
using events::redis::IsNil;
using events::redis::ReplyPtr;

// The claim script of before (lua/legacy_claim.lua).
const events::redis::LuaScript& LegacyClaimScript() { return bench_lua::LegacyClaim(); }

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
