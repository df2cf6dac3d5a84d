// CheckPartitions against a real redis-server (EVENTS_TEST_REDIS_URL): the count recorded on
// a new installation, data from before the record taken as 16, and the refusals.

#include "common/bus/partition_guard.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/redis/redis_client.h"
#include "common/testing/redis_for_test.h"

namespace events::bus {
namespace {

using events::redis::AsString;
using events::redis::ReplyPtr;

class PartitionGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = events::testing::TestRedisOptions();
    ASSERT_FALSE(HasFailure());
    redis_ = std::make_unique<events::redis::RedisClient>(options_);
  }

  Keyspace Keys(int partitions) const { return Keyspace(prefix_, partitions); }

  std::string Record() {
    absl::StatusOr<ReplyPtr> reply = redis_->Command({"GET", PartitionsKey(Keys(1))});
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? AsString(**reply) : "";
  }

  events::redis::RedisOptions options_;
  std::unique_ptr<events::redis::RedisClient> redis_;
  const std::string prefix_ = events::testing::UniqueKeyPrefix();
};

TEST_F(PartitionGuardTest, ANewInstallationRecordsItsCountAndHoldsEveryServiceToIt) {
  ASSERT_TRUE(CheckPartitions(*redis_, Keys(256)).ok());
  EXPECT_EQ(PartitionsKey(Keys(256)), prefix_ + "events:partitions");
  EXPECT_EQ(Record(), "256");
  EXPECT_TRUE(CheckPartitions(*redis_, Keys(256)).ok());  // the next service, or a restart

  absl::Status other = CheckPartitions(*redis_, Keys(16));
  EXPECT_EQ(other.code(), absl::StatusCode::kFailedPrecondition);
  // Names both counts, where the record is, and what to set.
  EXPECT_TRUE(absl::StrContains(other.message(), "EVENTS_PARTITIONS is 16")) << other;
  EXPECT_TRUE(absl::StrContains(other.message(), "keyed with 256 partitions")) << other;
  EXPECT_TRUE(absl::StrContains(other.message(), prefix_ + "events:partitions")) << other;
  EXPECT_TRUE(absl::StrContains(other.message(), "Set EVENTS_PARTITIONS=256")) << other;
  EXPECT_EQ(Record(), "256");  // a refused service changes nothing
}

TEST_F(PartitionGuardTest, DataWithoutARecordIsTakenAsSixteen) {
  // An installation of before: streams of its partitions, no record.
  const Keyspace old_keys = Keys(16);
  ASSERT_TRUE(redis_->Command({"XADD", old_keys.Stream(11), "*", "id", "x", "type", "y"}).ok());

  absl::Status refused = CheckPartitions(*redis_, Keys(1024));
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(refused.message(), "EVENTS_PARTITIONS is 1024")) << refused;
  EXPECT_TRUE(absl::StrContains(refused.message(), "before the partition count was recorded"))
      << refused;
  EXPECT_TRUE(absl::StrContains(refused.message(), "Set EVENTS_PARTITIONS=16")) << refused;
  // The way out for an installation that always ran with another count.
  EXPECT_TRUE(
      absl::StrContains(refused.message(), absl::StrCat("SET ", prefix_, "events:partitions 1024")))
      << refused;
  EXPECT_EQ(Record(), "");  // nothing recorded by a refused service

  ASSERT_TRUE(CheckPartitions(*redis_, old_keys).ok());
  EXPECT_EQ(Record(), "16");
  EXPECT_EQ(CheckPartitions(*redis_, Keys(1024)).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(PartitionGuardTest, AStreamOfAnyPartitionCountsAsData) {
  // Written with 64 partitions before the record: a stream beyond the first 16.
  ASSERT_TRUE(redis_->Command({"XADD", Keys(64).Stream(63), "*", "id", "x", "type", "y"}).ok());
  EXPECT_EQ(CheckPartitions(*redis_, Keys(64)).code(), absl::StatusCode::kFailedPrecondition);
  // The operator records what it always ran with; from then on, that is the count.
  ASSERT_TRUE(redis_->Command({"SET", PartitionsKey(Keys(64)), "64"}).ok());
  EXPECT_TRUE(CheckPartitions(*redis_, Keys(64)).ok());
  EXPECT_EQ(CheckPartitions(*redis_, Keys(16)).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(PartitionGuardTest, ARecordThatIsNotACountIsRefused) {
  for (const std::string value : {"sixteen", "0", "1025", "-3", "16x"}) {
    ASSERT_TRUE(redis_->Command({"SET", PartitionsKey(Keys(16)), value}).ok());
    absl::Status refused = CheckPartitions(*redis_, Keys(16));
    EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition) << value;
    EXPECT_TRUE(absl::StrContains(refused.message(), "not a partition count")) << refused;
  }
}

TEST_F(PartitionGuardTest, ServicesStartingTogetherAgreeOnTheFirstCount) {
  // Half configured with 64, half with 128, all at once on a new installation: whichever
  // recorded first, exactly the services with its count may start.
  std::vector<absl::Status> results(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] {
      events::redis::RedisClient own(options_);
      results[i] = CheckPartitions(own, Keys(i % 2 == 0 ? 64 : 128));
    });
  }
  for (std::thread& t : threads) t.join();
  const std::string recorded = Record();
  ASSERT_TRUE(recorded == "64" || recorded == "128") << recorded;
  for (size_t i = 0; i < results.size(); ++i) {
    const bool same = (i % 2 == 0 ? "64" : "128") == recorded;
    EXPECT_EQ(results[i].ok(), same) << i << ": " << results[i];
    if (!same) {
      EXPECT_EQ(results[i].code(), absl::StatusCode::kFailedPrecondition);
    }
  }
}

TEST_F(PartitionGuardTest, RedisDownIsUnavailable) {
  events::redis::RedisOptions nowhere = options_;
  nowhere.port = 1;  // nothing listens there
  nowhere.connect_timeout = std::chrono::milliseconds(200);
  events::redis::RedisClient down(nowhere);
  EXPECT_EQ(CheckPartitions(down, Keys(16)).code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace events::bus
