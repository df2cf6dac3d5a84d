#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
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
// in decimal. It is written by the first service to start on an installation (SET NX). With
// no record yet, the partition streams ({p<N>}:events, N < 1024) tell what the data is keyed
// with: every consumer makes the streams of all its partitions when it starts, so services
// that ran with N partitions (16, the only default of versions before the record) leave
// exactly {p0} to {p<N-1>}.
// - no stream: a new installation; the configured count is recorded;
// - exactly {p0} to {p<N-1>}, N > 1: services ran with N; recorded if it is the configured
//   count, refused otherwise;
// - other streams (one, or with gaps: a tool's or a test's entries, such as eventctl admin
//   bootstrap's invitation before any service started): recorded if none lies beyond the
//   configured count, refused otherwise.

// The name of the record.
std::string PartitionsKey(const Keyspace& keys);

// The count this installation's data is keyed with, read as CheckPartitions reads it: the
// record, or with none the partition streams services left; 0 for a new installation (or
// one whose streams do not tell). FAILED_PRECONDITION for a record that is not a count;
// UNAVAILABLE when Redis does not answer. Writes nothing.
absl::StatusOr<int> InstallationPartitions(events::redis::RedisClient& redis, const Keyspace& keys);

// Compares keys.partitions() with the installation's count, recording it first where the
// rules above say so. OK when they agree. FAILED_PRECONDITION when they differ, or the
// record is not a count, with a message that names both counts and what to do; also when
// Redis refuses this user the record (NOPERM). UNAVAILABLE when Redis does not answer (try
// again). Thread-safe (the record is written with SET NX, so racing services agree).
absl::Status CheckPartitions(events::redis::RedisClient& redis, const Keyspace& keys);

}  // namespace events::bus
