// CheckPartitions against a real redis-server (EVENTS_TEST_REDIS_URL): the count recorded on
// a new installation, the count of data from before the record read from its streams, and
// the refusals.

#include "common/bus/partition_guard.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/bus/event_bus.h"
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

TEST_F(PartitionGuardTest, ServicesThatRanBeforeTheRecordKeepTheirCount) {
  // An installation of before, on the default 16: its consumers made every partition's
  // stream and group.
  ConsumerOptions options;
  options.group = "notifications";
  options.consumer = "c1";
  Consumer consumer(*redis_, Keys(16), options);
  ASSERT_TRUE(consumer.EnsureGroups().ok());

  absl::Status refused = CheckPartitions(*redis_, Keys(256));  // the new default
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(refused.message(), "EVENTS_PARTITIONS is 256")) << refused;
  EXPECT_TRUE(absl::StrContains(refused.message(), "the streams of 16 partitions")) << refused;
  EXPECT_TRUE(absl::StrContains(refused.message(), "Set EVENTS_PARTITIONS=16")) << refused;
  EXPECT_EQ(Record(), "");  // nothing recorded by a refused service

  ASSERT_TRUE(CheckPartitions(*redis_, Keys(16)).ok());
  EXPECT_EQ(Record(), "16");
  EXPECT_EQ(CheckPartitions(*redis_, Keys(256)).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(PartitionGuardTest, AnyCountThatServicesRanWithIsRead) {
  ConsumerOptions options;
  options.group = "integrations";
  options.consumer = "c1";
  Consumer consumer(*redis_, Keys(64), options);
  ASSERT_TRUE(consumer.EnsureGroups().ok());
  EXPECT_EQ(CheckPartitions(*redis_, Keys(16)).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CheckPartitions(*redis_, Keys(64)).ok());
  EXPECT_EQ(Record(), "64");
}

TEST_F(PartitionGuardTest, AToolsEntriesBeforeTheFirstServiceAreNoObstacle) {
  // eventctl admin bootstrap's invitation, published before any service started.
  ASSERT_TRUE(redis_->Command({"XADD", Keys(256).Stream(200), "*", "id", "x", "type", "y"}).ok());
  ASSERT_TRUE(CheckPartitions(*redis_, Keys(256)).ok());
  EXPECT_EQ(Record(), "256");
}

TEST_F(PartitionGuardTest, AStreamBeyondTheCountIsRefusedAndCanBeRecordedOver) {
  ASSERT_TRUE(redis_->Command({"XADD", Keys(64).Stream(63), "*", "id", "x", "type", "y"}).ok());
  absl::Status refused = CheckPartitions(*redis_, Keys(16));
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(refused.message(), "the stream {p63}:events")) << refused;
  EXPECT_TRUE(absl::StrContains(refused.message(),
                                absl::StrCat("SET ", prefix_, "events:partitions <count>")))
      << refused;
  // The operator records what the installation runs with; from then on, that is the count.
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
  events::redis::RedisClient down(events::testing::UnreachableRedisOptions(options_));
  EXPECT_EQ(CheckPartitions(down, Keys(16)).code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace events::bus
