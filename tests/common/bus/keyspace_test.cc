// Keyspace: partition hashing and key names. No Redis needed.

#include "common/bus/keyspace.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "absl/strings/str_cat.h"

namespace events::bus {
namespace {

TEST(PartitionKeyOfTest, TakesTheCoreOfAnId) {
  EXPECT_EQ(PartitionKeyOf("ev_01J9ABC"), "01J9ABC");
  EXPECT_EQ(PartitionKeyOf("ev_01J9ABC-003"), "01J9ABC");
  EXPECT_EQ(PartitionKeyOf("se_01J9ABC"), "01J9ABC");
  EXPECT_EQ(PartitionKeyOf("01J9ABC-7"), "01J9ABC");  // no type prefix
  EXPECT_EQ(PartitionKeyOf("ev_a_b-c-d"), "a_b");     // first '_', first '-' after it
  EXPECT_EQ(PartitionKeyOf("ev_"), "ev_");            // no core: the whole id
  EXPECT_EQ(PartitionKeyOf(""), "");
}

TEST(KeyspaceTest, PartitionIsStableAcrossBuilds) {
  // Pinned FNV-1a 64 values: a change here moves every event to another partition.
  Keyspace keys("", 16);
  EXPECT_EQ(keys.PartitionOf("ev_01J9ABC"), 5);  // 0x93db989734510515 % 16
  EXPECT_EQ(keys.PartitionOf("ev_a"), 12);       // 0xaf63dc4c8601ec8c % 16
  EXPECT_EQ(keys.PartitionOf("rg_foobar"), 8);   // 0x85944171f73967e8 % 16
  EXPECT_EQ(Keyspace("", 7).PartitionOf("ev_01J9ABC"), 3);
}

TEST(KeyspaceTest, PartitionIsInRangeAndSpreads) {
  for (int partitions : {1, 2, 16, 31}) {
    Keyspace keys("x:", partitions);
    std::set<int> seen;
    for (int i = 0; i < 2000; ++i) {
      const int p = keys.PartitionOf(absl::StrCat("ev_", i));
      ASSERT_GE(p, 0);
      ASSERT_LT(p, partitions);
      seen.insert(p);
    }
    EXPECT_EQ(static_cast<int>(seen.size()), partitions);  // every partition gets used
  }
  EXPECT_EQ(Keyspace("", 0).partitions(), 1);  // never divides by zero
}

TEST(KeyspaceTest, SeriesAndOccurrencesShareAPartition) {
  Keyspace keys("", 16);
  for (int i = 0; i < 100; ++i) {
    const std::string core = absl::StrCat("01J9SERIES", i);
    const int series = keys.PartitionOf(absl::StrCat("se_", core));
    EXPECT_EQ(keys.PartitionOf(absl::StrCat("ev_", core)), series);
    EXPECT_EQ(keys.PartitionOf(absl::StrCat("ev_", core, "-001")), series);
    EXPECT_EQ(keys.PartitionOf(absl::StrCat("ev_", core, "-052")), series);
    EXPECT_EQ(keys.PrefixFor(absl::StrCat("ev_", core, "-003")),
              keys.PrefixFor(absl::StrCat("se_", core)));
  }
}

TEST(KeyspaceTest, KeyNamesCarryPrefixAndHashTag) {
  Keyspace keys("t:1:", 16);
  EXPECT_EQ(keys.PartitionPrefix(3), "t:1:{p3}:");
  EXPECT_EQ(keys.Stream(3), "t:1:{p3}:events");
  EXPECT_EQ(keys.DeadLetterStream(3), "t:1:{p3}:events:dead");
  EXPECT_EQ(keys.Global("auth:key:ab12"), "t:1:auth:key:ab12");
  EXPECT_EQ(keys.PrefixFor("ev_01J9ABC"), "t:1:{p5}:");
  EXPECT_EQ(Keyspace("", 16).Stream(0), "{p0}:events");
}

}  // namespace
}  // namespace events::bus
