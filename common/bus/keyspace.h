#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace events::bus {

// Names of Redis keys, partitioned for Redis Cluster.
//
// An event's keys carry the hash tag of its partition, "{p<N>}", N = hash(partition key)
// mod partitions. The partition key of an id is its core: the text between the first '_'
// and the first '-' after it ("ev_01J9ABC" -> "01J9ABC", a series occurrence
// "ev_01J9ABC-003" -> "01J9ABC", the series "se_01J9ABC" -> "01J9ABC"), so a series and its
// occurrences share a partition and change together in one script. An optional prefix (no
// braces) namespaces everything, e.g. for tests sharing one Redis. Immutable; thread-safe.
class Keyspace {
 public:
  Keyspace(std::string prefix, int partitions);

  int partitions() const { return partitions_; }
  const std::string& prefix() const { return prefix_; }

  // Partition of an id, 0 <= N < partitions(). Stable across processes and versions (FNV-1a).
  int PartitionOf(std::string_view id) const;
  // "<prefix>{p<N>}:" : the start of every key in partition N.
  std::string PartitionPrefix(int partition) const;
  // PartitionPrefix(PartitionOf(id)).
  std::string PrefixFor(std::string_view id) const;
  // "<prefix>{p<N>}:events": the domain-event stream of partition N.
  std::string Stream(int partition) const;
  // "<prefix>{p<N>}:events:dead": where entries go after too many failed deliveries.
  std::string DeadLetterStream(int partition) const;
  // A key outside the partitions, e.g. Global("auth:key:ab12") -> "<prefix>auth:key:ab12".
  std::string Global(std::string_view suffix) const;

 private:
  std::string prefix_;
  int partitions_;
};

// The partition key of an id, as described above.
std::string_view PartitionKeyOf(std::string_view id);

}  // namespace events::bus
