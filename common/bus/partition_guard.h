#pragma once

#include <string>

#include "absl/status/status.h"
#include "common/bus/keyspace.h"

namespace events::redis {
class RedisClient;
}

namespace events::bus {

// The partition count an installation's data is keyed with, recorded in Redis so that a
// service whose EVENTS_PARTITIONS differs refuses to start rather than read and write under
// other keys (changing the count moves every event to other keys).
//
// The record is the global key "<prefix>events:partitions" (no hash tag), holding the count
// in decimal. It is written by the first service to start on an installation:
// - no record and no partition stream ({p<N>}:events, N < 1024) exists: a new installation;
//   the configured count is recorded;
// - no record but partition streams exist: data written before counts were recorded, by
//   versions whose only default was 16; taken as 16 (kUnrecordedPartitions), and recorded
//   when the configured count is 16.

// What data written before the record is taken to be keyed with.
inline constexpr int kUnrecordedPartitions = 16;

// The name of the record.
std::string PartitionsKey(const Keyspace& keys);

// Compares keys.partitions() with the installation's count, recording it first where the
// rules above say so. OK when they agree. FAILED_PRECONDITION when they differ, or the
// record is not a count, with a message that names both counts and what to do; also when
// Redis refuses this user the record (NOPERM). UNAVAILABLE when Redis does not answer (try
// again). Thread-safe (the record is written with SET NX, so racing services agree).
absl::Status CheckPartitions(events::redis::RedisClient& redis, const Keyspace& keys);

}  // namespace events::bus
