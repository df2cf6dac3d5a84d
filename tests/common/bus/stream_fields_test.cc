// The envelope <-> stream fields mapping. No Redis needed.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/bus/event_bus.h"
#include "common/log/call_context.h"
#include "common/log/trace_context.h"

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
  const std::vector<std::string> names = {"id",  "type",      "source", "time",       "subject",
                                          "org", "data_type", "data",   "traceparent"};
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(fields[2 * i], names[i]);
  EXPECT_EQ(fields[7], "1735689600123");  // decimal Unix ms
  EXPECT_EQ(fields[15], SampleEvent().data());
  // Written even when empty (no call, no trace of its own): the count stays fixed.
  EXPECT_EQ(fields[17], "");
}

TEST(StreamFieldsTest, CarriesTheTraceOfTheCallThatWritesIt) {
  auto call = std::make_shared<events::logging::CallContext>(
      events::logging::ParseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
      "req-1");
  events::logging::ScopedCall scope(call);
  const std::vector<std::string> fields = ToStreamFields(SampleEvent());
  // The call's own span, not its caller's: the consumer becomes a child of this call.
  EXPECT_EQ(fields[17],
            absl::StrCat("00-4bf92f3577b34da6a3ce929d0e0e4736-", call->span_id(), "-01"));

  // An event that has a trace of its own keeps it.
  events::v1::DomainEvent own = SampleEvent();
  own.set_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00");
  EXPECT_EQ(ToStreamFields(own)[17], own.traceparent());
}

TEST(StreamFieldsTest, RoundTripsTheTraceparent) {
  events::v1::DomainEvent event = SampleEvent();
  event.set_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  absl::StatusOr<events::v1::DomainEvent> back = FromStreamFields(Pairs(ToStreamFields(event)));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->traceparent(), event.traceparent());
}

TEST(StreamFieldsTest, ReadsAnEntryWrittenBeforeEventsHadATraceparent) {
  // The 16 fields of before: everything else reads the same, with no trace.
  Fields old = Pairs(ToStreamFields(SampleEvent()));
  old.pop_back();
  ASSERT_EQ(old.size(), 8u);
  absl::StatusOr<events::v1::DomainEvent> back = FromStreamFields(old);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->traceparent(), "");
  EXPECT_EQ(back->SerializeAsString(), SampleEvent().SerializeAsString());
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
