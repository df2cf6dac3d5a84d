// Dates and times as the pages write them.
#include "services/web/pages/format.h"

#include "gtest/gtest.h"
#include "services/web/view/embedded.h"

namespace events::web {
namespace {

Catalogue English() { return *Catalogue::Parse(*EmbeddedText("messages/en-GB.txt"), "en-GB"); }

TEST(FormatTest, TheEventsOwnLocalTimeWithTheWeekday) {
  const Catalogue m = English();
  EXPECT_EQ(WhenText(m, "2026-03-30T10:00:00+01:00", "2026-03-30T11:30:00+01:00"),
            "Monday 30 March 2026, 10am to 11:30am");
  EXPECT_EQ(WhenText(m, "2026-12-31T23:00:00Z", "2027-01-01T01:00:00Z"),
            "Thursday 31 December 2026, 11pm to Friday 1 January 2027, 1am");
  EXPECT_EQ(WhenText(m, "2024-02-29T12:00", ""), "Thursday 29 February 2024, midday");
  EXPECT_EQ(WhenText(m, "not a time", "x"), "");
  EXPECT_EQ(DateText(m, "2000-01-01T00:00"), "Saturday 1 January 2000");
}

TEST(FormatTest, ClockTimesAsPeopleSayThem) {
  const Catalogue m = English();
  EXPECT_EQ(ClockText(m, 0, 0), "midnight");
  EXPECT_EQ(ClockText(m, 12, 0), "midday");
  EXPECT_EQ(ClockText(m, 12, 5), "12:05pm");
  EXPECT_EQ(ClockText(m, 9, 30), "9:30am");
  EXPECT_EQ(ClockText(m, 0, 15), "12:15am");
  EXPECT_EQ(TimeRangeText(m, "2026-03-30T10:00", "2026-03-30T10:45"), "10am to 10:45am");
}

TEST(FormatTest, ZonesAreNamed) {
  const Catalogue m = English();
  EXPECT_EQ(ZoneText(m, "Europe/London"), "UK time");
  EXPECT_EQ(ZoneText(m, "Europe/Paris"), "Time in Europe/Paris");
}

}  // namespace
}  // namespace events::web
