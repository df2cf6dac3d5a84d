// The check every store test's TearDown runs on the events its scripts emitted
// (common/testing/domain_event_check.h), shown to catch each kind of drift it claims to,
// against a real redis-server (EVENTS_TEST_REDIS_URL).
#include "common/testing/domain_event_check.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "common/bus/event_bus.h"
#include "common/bus/keyspace.h"
#include "common/testing/redis_for_test.h"
#include "events/v1/domain_events.pb.h"

namespace events::testing {
namespace {

class DomainEventCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    redis::RedisOptions options = TestRedisOptions();
    ASSERT_FALSE(HasFailure());
    redis_ = std::make_unique<redis::RedisClient>(options);
    keys_ = std::make_unique<bus::Keyspace>(UniqueKeyPrefix(), 4);
  }

  // A registration.confirmed event as the register script writes it, with `data` as given.
  v1::DomainEvent Event(const std::string& data) {
    v1::DomainEvent e;
    e.set_id("rg_1:confirmed:1");
    e.set_type("registration.confirmed");
    e.set_source("registration");
    e.set_time_unix_ms(1'780'000'000'000);
    e.set_subject("rg_1");
    e.set_org_id("org_a");
    e.set_data_type("events.v1.RegistrationChanged");
    e.set_data(data);
    return e;
  }

  static std::string Sound() {
    v1::RegistrationChanged c;
    c.set_registration_id("rg_1");
    c.set_event_id("ev_1");
    c.set_org_id("org_a");
    c.set_status(v1::REGISTRATION_STATUS_CONFIRMED);
    c.set_places(1);
    return c.SerializeAsString();
  }

  // The problems found after publishing `event` alone, joined.
  std::string ProblemsOf(const v1::DomainEvent& event) {
    EXPECT_TRUE(bus::Publish(*redis_, *keys_, 1, event).ok());
    const DomainEventCheck check = CheckAllDomainEvents(*redis_, keys_->prefix());
    EXPECT_EQ(check.events, 1);
    return absl::StrJoin(check.problems, "\n");
  }

  std::unique_ptr<redis::RedisClient> redis_;
  std::unique_ptr<bus::Keyspace> keys_;
};

TEST_F(DomainEventCheckTest, ASoundEventHasNoProblem) {
  EXPECT_EQ(ProblemsOf(Event(Sound())), "");
  const DomainEventCheck check = CheckAllDomainEvents(*redis_, keys_->prefix());
  EXPECT_EQ(check.data_types, (std::set<std::string>{"events.v1.RegistrationChanged"}));
}

TEST_F(DomainEventCheckTest, AFieldNumberTheProtoDoesNotHaveIsAProblem) {
  // Field 40, varint 1: a hand-written number off the end of the message.
  EXPECT_TRUE(absl::StrContains(ProblemsOf(Event(Sound() + std::string("\xc0\x02\x01", 3))),
                                "field number 40 is not in events.v1.RegistrationChanged"));
}

TEST_F(DomainEventCheckTest, AWireTypeOtherThanTheFieldsIsAProblem) {
  // Field 7 (places, an int32) written as a string: the number of a string field, swapped.
  EXPECT_TRUE(absl::StrContains(ProblemsOf(Event(Sound() + std::string("\x3a\x01x", 3))),
                                "field number 7"));
}

TEST_F(DomainEventCheckTest, AnEnumValueTheProtoDoesNotListIsAProblem) {
  // Field 4 (status) = 99.
  EXPECT_TRUE(absl::StrContains(ProblemsOf(Event(Sound() + std::string("\x20\x63", 2))),
                                "99 is not a value of"));
}

TEST_F(DomainEventCheckTest, AnUnknownDataTypeOrDataThatDoesNotParseIsAProblem) {
  v1::DomainEvent unknown = Event(Sound());
  unknown.set_data_type("events.v1.NoSuchThing");
  EXPECT_TRUE(absl::StrContains(ProblemsOf(unknown), "no generated class"));
  keys_ = std::make_unique<bus::Keyspace>(UniqueKeyPrefix(), 4);
  EXPECT_TRUE(absl::StrContains(ProblemsOf(Event(std::string("\x0a\x7f", 2))), "is not a"));
}

TEST_F(DomainEventCheckTest, AnOrganisationOrSubjectOtherThanTheEnvelopesIsAProblem) {
  v1::DomainEvent other_org = Event(Sound());
  other_org.set_org_id("org_b");
  EXPECT_TRUE(absl::StrContains(ProblemsOf(other_org), "org_id \"org_a\" in the data"));
  keys_ = std::make_unique<bus::Keyspace>(UniqueKeyPrefix(), 4);
  v1::DomainEvent other_subject = Event(Sound());
  other_subject.set_subject("rg_2");
  EXPECT_TRUE(absl::StrContains(ProblemsOf(other_subject), "none of the data's ids"));
}

TEST_F(DomainEventCheckTest, AMissingOrInvalidTraceparentIsAProblem) {
  v1::DomainEvent traced = Event(Sound());
  traced.set_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  EXPECT_EQ(ProblemsOf(traced), "");
  keys_ = std::make_unique<bus::Keyspace>(UniqueKeyPrefix(), 4);
  v1::DomainEvent invalid = Event(Sound());
  invalid.set_traceparent("00-not-a-trace-01");
  EXPECT_TRUE(absl::StrContains(ProblemsOf(invalid), "is not a valid one"));
  // An entry of a writer that left the field out (the 16 fields of before).
  keys_ = std::make_unique<bus::Keyspace>(UniqueKeyPrefix(), 4);
  ASSERT_TRUE(redis_
                  ->Command({"XADD", keys_->Stream(1), "*", "id", "rg_1:confirmed:1", "type",
                             "registration.confirmed", "source", "registration", "time", "1",
                             "subject", "rg_1", "org", "org_a", "data_type",
                             "events.v1.RegistrationChanged", "data", Sound()})
                  .ok());
  const DomainEventCheck check = CheckAllDomainEvents(*redis_, keys_->prefix());
  EXPECT_TRUE(absl::StrContains(absl::StrJoin(check.problems, "\n"), "no traceparent field"));
}

}  // namespace
}  // namespace events::testing
