#include "tools/eventctl/event_printer.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace events::eventctl {
namespace {

using ::testing::HasSubstr;

events::v1::Event Sample() {
  events::v1::Event e;
  e.set_id("ev_01KAAAAAAAAAAAAAAAAAAAAAAA");
  e.set_status(events::v1::EVENT_STATUS_PUBLISHED);
  e.set_version(3);
  e.mutable_details()->set_title("Living well");
  e.mutable_details()->set_time_zone("Europe/London");
  e.mutable_details()->set_format(events::v1::EVENT_FORMAT_ONLINE);
  e.mutable_details()->set_capacity(250);
  e.set_start_unix_ms(1776157200000);  // 2026-04-14T09:00Z = 10:00 BST
  e.set_end_unix_ms(1776157200000 + int64_t{90} * 60000);
  auto* p = e.mutable_details()->mutable_accessibility()->add_provisions();
  p->set_need("live_captions");
  p->set_availability(events::v1::PROVISION_AVAILABILITY_ALWAYS);
  return e;
}

TEST(EventPrinterTest, DescribesWhenInTheEventsZone) {
  EXPECT_EQ(DescribeWhen(Sample()), "Tue 14 Apr 2026, 10:00-11:30 Europe/London");
  std::string text = DescribeEvent(Sample());
  EXPECT_THAT(text, HasSubstr("published, version 3"));
  EXPECT_THAT(text, HasSubstr("live_captions (always)"));
  EXPECT_THAT(EventTable({Sample()}), HasSubstr("ev_01KAAAAAAAAAAAAAAAAAAAAAAA"));
  EXPECT_EQ(EventTable({}), "No events.\n");
}

TEST(EventPrinterTest, ParsesCommandLineWords) {
  EXPECT_THAT(ParseMode("zoom").status().message(), HasSubstr("--mode"));
  EXPECT_EQ(ParseMode("in-person").value(), events::v1::EVENT_FORMAT_IN_PERSON);
  EXPECT_EQ(ParseMode("zoom").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseStatus("cancelled").value(), events::v1::EVENT_STATUS_CANCELLED);
  EXPECT_EQ(ParseStatus("all").value(), events::v1::EVENT_STATUS_UNSPECIFIED);
  EXPECT_FALSE(ParseStatus("gone").ok());
  auto p = ParseProvision("bsl_interpreter:on-request");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->need(), "bsl_interpreter");
  EXPECT_EQ(p->availability(), events::v1::PROVISION_AVAILABILITY_ON_REQUEST);
  EXPECT_FALSE(ParseProvision("bsl_interpreter").ok());
}

// A need the catalogue does not have was sent as it was, and the event then offered
// something no attendee can ask for.
TEST(EventPrinterTest, RefusesProvisionsOfUnknownNeedsWithTheClosestCode) {
  auto abbreviated = ParseProvision("bsl:on-request");
  EXPECT_EQ(abbreviated.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(abbreviated.status().message(), HasSubstr("did you mean bsl_interpreter?"));
  auto misspelt = ParseProvision("live_captoins:always");
  EXPECT_THAT(misspelt.status().message(), HasSubstr("did you mean live_captions?"));
  auto unknown = ParseProvision("juggling:always");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.status().message(), HasSubstr("\"juggling\" is not a need code"));
  EXPECT_THAT(std::string(unknown.status().message()), ::testing::Not(HasSubstr("did you mean")));
  EXPECT_TRUE(CheckNeedCode("other", "--need").ok());
}

}  // namespace
}  // namespace events::eventctl
