// StreamWorker runs each entry's handler inside the event's trace, against a real
// redis-server (EVENTS_TEST_REDIS_URL), each test under its own key prefix.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/bus/event_bus.h"
#include "common/bus/stream_worker.h"
#include "common/log/call_context.h"
#include "common/log/trace_context.h"
#include "common/redis/redis_client.h"
#include "common/testing/redis_for_test.h"

namespace events::bus {
namespace {

constexpr char kTrace[] = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr char kWriterSpan[] = "00f067aa0ba902b7";

// What the handler saw of the call context it ran in.
struct Seen {
  std::string event_id;
  bool in_call = false;
  std::string trace_id;
  std::string span_id;
  std::string parent_span_id;
};

class StreamWorkerTraceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_ = events::testing::TestRedisOptions();
    ASSERT_FALSE(HasFailure());
    redis_ = std::make_unique<events::redis::RedisClient>(options_);
  }

  events::v1::DomainEvent Event(const std::string& id, const std::string& traceparent) {
    events::v1::DomainEvent event;
    event.set_id(id);
    event.set_type("registration.confirmed");
    event.set_source("registration");
    event.set_time_unix_ms(1735689600000);
    event.set_subject("reg_1");
    event.set_org_id("org_1");
    event.set_traceparent(traceparent);
    return event;
  }

  // Runs one poll of a worker whose handler records what it saw.
  std::vector<Seen> HandleAll() {
    ConsumerOptions options;
    options.group = "tracing";
    options.consumer = "c1";
    Consumer consumer(*redis_, keys_, options);
    EXPECT_TRUE(consumer.EnsureGroups().ok());
    std::vector<Seen> seen;
    StreamWorker worker("trace test", consumer, [&seen](const Delivery& delivery) {
      Seen s;
      s.event_id = delivery.event.id();
      const std::shared_ptr<logging::CallContext>& call = logging::CurrentCall();
      s.in_call = call != nullptr;
      if (call != nullptr) {
        s.trace_id = call->trace_id();
        s.span_id = call->span_id();
        s.parent_span_id = call->parent_span_id();
      }
      seen.push_back(s);
      return absl::OkStatus();
    });
    absl::StatusOr<int> acked = worker.RunOnce();
    EXPECT_TRUE(acked.ok()) << acked.status();
    // The scope ends with the entry: nothing of it stays on the worker's thread.
    EXPECT_EQ(logging::CurrentCall(), nullptr);
    return seen;
  }

  events::redis::RedisOptions options_;
  std::unique_ptr<events::redis::RedisClient> redis_;
  Keyspace keys_{events::testing::UniqueKeyPrefix(), 1};
};

TEST_F(StreamWorkerTraceTest, HandlesAnEventInsideItsTraceWithANewSpan) {
  ASSERT_TRUE(Publish(*redis_, keys_, 0,
                      Event("dev_1", absl::StrCat("00-", kTrace, "-", kWriterSpan, "-01")))
                  .ok());
  std::vector<Seen> seen = HandleAll();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_TRUE(seen[0].in_call);
  EXPECT_EQ(seen[0].trace_id, kTrace);
  // The writer's span is the parent; the consumer's work is a span of its own.
  EXPECT_EQ(seen[0].parent_span_id, kWriterSpan);
  EXPECT_EQ(seen[0].span_id.size(), 16u);
  EXPECT_NE(seen[0].span_id, kWriterSpan);
}

TEST_F(StreamWorkerTraceTest, StartsANewTraceForAnEventWithoutOne) {
  ASSERT_TRUE(Publish(*redis_, keys_, 0, Event("dev_none", "")).ok());
  ASSERT_TRUE(Publish(*redis_, keys_, 0, Event("dev_bad", "00-not-a-trace-01")).ok());
  // An entry written before events had the field at all: the 16 fields of before.
  ASSERT_TRUE(redis_
                  ->Command({"XADD", keys_.Stream(0), "*", "id", "dev_old", "type",
                             "registration.confirmed", "source", "registration", "time", "1",
                             "subject", "reg_1", "org", "org_1", "data_type", "", "data", ""})
                  .ok());
  std::vector<Seen> seen = HandleAll();
  ASSERT_EQ(seen.size(), 3u);
  for (const Seen& s : seen) {
    SCOPED_TRACE(s.event_id);
    EXPECT_TRUE(s.in_call);
    // A fresh, valid trace: usable as a traceparent for what the handler passes on.
    EXPECT_TRUE(logging::ParseTraceParent(absl::StrCat("00-", s.trace_id, "-", s.span_id, "-00"))
                    .has_value());
    EXPECT_EQ(s.parent_span_id, "");
  }
  EXPECT_NE(seen[0].trace_id, seen[1].trace_id);
}

TEST_F(StreamWorkerTraceTest, EachEventGetsItsOwnTrace) {
  const std::string other = "0af7651916cd43dd8448eb211c80319c";
  ASSERT_TRUE(Publish(*redis_, keys_, 0,
                      Event("dev_a", absl::StrCat("00-", kTrace, "-", kWriterSpan, "-00")))
                  .ok());
  ASSERT_TRUE(
      Publish(*redis_, keys_, 0, Event("dev_b", absl::StrCat("00-", other, "-b7ad6b7169203331-00")))
          .ok());
  std::vector<Seen> seen = HandleAll();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].trace_id, kTrace);
  EXPECT_EQ(seen[1].trace_id, other);
}

}  // namespace
}  // namespace events::bus
