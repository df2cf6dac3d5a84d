// The envelope <-> stream fields mapping. No Redis needed.

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "common/bus/event_bus.h"

namespace events::bus {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

events::v1::DomainEvent SampleEvent() {
  events::v1::DomainEvent event;
  event.set_id("dev_01J9XYZ");
  event.set_type("event.published");
  event.set_source("scheduling");
  event.set_time_unix_ms(1735689600123);
  event.set_subject("ev_01J9ABC");
  event.set_org_id("org_1");
  event.set_data_type("events.v1.EventChanged");
  event.set_data(std::string("\0\x01\xff payload\n", 12));
  return event;
}

Fields Pairs(const std::vector<std::string>& flat) {
  Fields pairs;
  for (size_t i = 0; i + 1 < flat.size(); i += 2) pairs.emplace_back(flat[i], flat[i + 1]);
  return pairs;
}

TEST(StreamFieldsTest, HasTheFixedLayoutScriptsRelyOn) {
  const std::vector<std::string> fields = ToStreamFields(SampleEvent());
  ASSERT_EQ(static_cast<int>(fields.size()), kStreamFieldCount);
  const std::vector<std::string> names = {"id",      "type", "source",    "time",
                                          "subject", "org",  "data_type", "data"};
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(fields[2 * i], names[i]);
  EXPECT_EQ(fields[7], "1735689600123");  // decimal Unix ms
  EXPECT_EQ(fields[15], SampleEvent().data());
}

TEST(StreamFieldsTest, RoundTripsEveryFieldIncludingBinaryData) {
  const events::v1::DomainEvent event = SampleEvent();
  absl::StatusOr<events::v1::DomainEvent> back = FromStreamFields(Pairs(ToStreamFields(event)));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->SerializeAsString(), event.SerializeAsString());
}

TEST(StreamFieldsTest, IgnoresUnknownFieldsAndNeedsIdAndType) {
  Fields fields = Pairs(ToStreamFields(SampleEvent()));
  fields.emplace_back("dead_reason", "too many deliveries");
  EXPECT_TRUE(FromStreamFields(fields).ok());

  EXPECT_EQ(FromStreamFields({{"type", "x"}}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FromStreamFields({{"id", "dev_1"}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FromStreamFields({{"id", "dev_1"}, {"type", "x"}, {"time", "soon"}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::StatusOr<events::v1::DomainEvent> minimal = FromStreamFields({{"id", "a"}, {"type", "b"}});
  ASSERT_TRUE(minimal.ok());
  EXPECT_EQ(minimal->time_unix_ms(), 0);
}

}  // namespace
}  // namespace events::bus
