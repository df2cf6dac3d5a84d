// The fake writer keeps the real one's rule, so projector tests that use it mean something.
#include "tests/registration/facts/fake_facts_writer.h"

#include "gtest/gtest.h"

namespace events::registration::testing {
namespace {

EventFacts Facts(const std::string& id, int64_t version, int32_t capacity) {
  EventFacts f;
  f.event_id = id;
  f.version = version;
  f.capacity = capacity;
  return f;
}

TEST(FakeFactsWriterTest, KeepsTheNewestVersion) {
  FakeFactsWriter writer;
  ASSERT_TRUE(writer.UpsertFacts(Facts("ev_a", 2, 20)).ok());
  ASSERT_TRUE(writer.UpsertFacts(Facts("ev_a", 1, 10)).ok());  // late: skipped, still OK
  ASSERT_TRUE(writer.UpsertFacts(Facts("ev_a", 2, 99)).ok());  // same version: skipped
  ASSERT_TRUE(writer.UpsertFacts(Facts("ev_b", 1, 5)).ok());
  EXPECT_EQ(writer.VersionOf("ev_a"), 2);
  EXPECT_EQ(writer.Get("ev_a")->capacity, 20);
  EXPECT_EQ(writer.VersionOf("ev_b"), 1);
  EXPECT_EQ(writer.VersionOf("ev_missing"), 0);
  EXPECT_EQ(writer.stale(), 2);
  EXPECT_EQ(writer.calls().size(), 4u);
}

TEST(FakeFactsWriterTest, FailsAsToldThenRecovers) {
  FakeFactsWriter writer;
  writer.FailNext(1);
  EXPECT_TRUE(absl::IsUnavailable(writer.UpsertFacts(Facts("ev_a", 1, 10))));
  EXPECT_EQ(writer.VersionOf("ev_a"), 0);
  EXPECT_TRUE(writer.UpsertFacts(Facts("ev_a", 1, 10)).ok());
  EXPECT_EQ(writer.VersionOf("ev_a"), 1);
}

}  // namespace
}  // namespace events::registration::testing
