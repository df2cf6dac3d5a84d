// Keyspace: key names and the partition hash.

#include "common/bus/keyspace.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"

namespace events::bus {
namespace {

// FNV-1a, 64 bit: tiny, fixed by its published constants, so partitions never move between
// builds, compilers or languages (std::hash promises none of that).
uint64_t Fnv1a64(std::string_view data) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

}  // namespace

std::string_view PartitionKeyOf(std::string_view id) {
  const size_t underscore = id.find('_');
  const size_t start = underscore == std::string_view::npos ? 0 : underscore + 1;
  const size_t dash = id.find('-', start);
  std::string_view core =
      id.substr(start, dash == std::string_view::npos ? std::string_view::npos : dash - start);
  // "ev_" or "ev_-1" has no core; hashing the whole id still spreads such ids out.
  return core.empty() ? id : core;
}

Keyspace::Keyspace(std::string prefix, int partitions)
    // A count below 1 would divide by zero; config validation rejects it before this.
    : prefix_(std::move(prefix)), partitions_(std::max(1, partitions)) {}

int Keyspace::PartitionOf(std::string_view id) const {
  return static_cast<int>(Fnv1a64(PartitionKeyOf(id)) % static_cast<uint64_t>(partitions_));
}

std::string Keyspace::PartitionPrefix(int partition) const {
  return absl::StrCat(prefix_, "{p", partition, "}:");
}

std::string Keyspace::PrefixFor(std::string_view id) const {
  return PartitionPrefix(PartitionOf(id));
}

std::string Keyspace::Stream(int partition) const {
  return absl::StrCat(PartitionPrefix(partition), "events");
}

std::string Keyspace::DeadLetterStream(int partition) const {
  return absl::StrCat(PartitionPrefix(partition), "events:dead");
}

std::string Keyspace::Global(std::string_view suffix) const {
  std::string key = prefix_;
  key.append(suffix);
  return key;
}

}  // namespace events::bus
