#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/bus/event_bus.h"
#include "common/bus/keyspace.h"
#include "common/redis/redis_client.h"

namespace events::partition_bench {

// Consumer::Poll as it was before it was pipelined (commit a5ae62b), kept here only to be
// measured against: for each partition in turn, the claim script and then XREADGROUP, two
// round trips each, until the batch is full. Without dead letters' bookkeeping beyond the
// script's and without group re-creation, which the bench never needs.
class LegacyPoller {
 public:
  LegacyPoller(events::redis::RedisClient& redis, const events::bus::Keyspace& keys,
               events::bus::ConsumerOptions options);

  // One poll; adds its round trips to *round_trips.
  absl::StatusOr<std::vector<events::bus::Delivery>> Poll(int64_t* round_trips);

 private:
  events::redis::RedisClient& redis_;
  const events::bus::Keyspace keys_;
  const events::bus::ConsumerOptions options_;
  std::vector<std::string> cursors_;
  int next_ = 0;
};

}  // namespace events::partition_bench
