// Parsing, formatting and calendar arithmetic of local wall-clock times (no zones).
#include "common/time/local_time.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace events::time {
namespace {

using ::testing::HasSubstr;

LocalDateTime Ldt(int y, int mo, int d, int h, int mi, int s = 0) {
  return LocalDateTime{y, mo, d, h, mi, s};
}

TEST(ParseLocalDateTimeTest, AcceptsMinutesSecondsAndSpace) {
  auto a = ParseLocalDateTime("2026-12-10T10:00", "start");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(*a, Ldt(2026, 12, 10, 10, 0));
  auto b = ParseLocalDateTime("2026-12-10T10:00:59", "start");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(*b, Ldt(2026, 12, 10, 10, 0, 59));
  auto c = ParseLocalDateTime("2026-12-10 23:59", "start");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(*c, Ldt(2026, 12, 10, 23, 59));
}

TEST(ParseLocalDateTimeTest, LeapDayOnlyInLeapYears) {
  EXPECT_TRUE(ParseLocalDateTime("2028-02-29T10:00", "start").ok());
  EXPECT_TRUE(ParseLocalDateTime("2000-02-29T10:00", "start").ok());
  auto bad = ParseLocalDateTime("2026-02-29T10:00", "start");
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("2026 is not a leap year"));
  EXPECT_FALSE(ParseLocalDateTime("2100-02-29T10:00", "start").ok());
}

TEST(ParseLocalDateTimeTest, MessageNamesFieldTextAndFormat) {
  auto r = ParseLocalDateTime("2026-13-01T10:00", "start");
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(),
              HasSubstr("start: \"2026-13-01T10:00\" is not a valid local date-time; use "
                        "YYYY-MM-DDTHH:MM, e.g. 2026-12-10T10:00"));
  EXPECT_THAT(r.status().message(), HasSubstr("month must be 01 to 12"));
}

TEST(ParseLocalDateTimeTest, RefusesEachOutOfRangeField) {
  struct Case {
    const char* text;
    const char* problem;
  } cases[] = {
      {"2026-00-10T10:00", "month must be 01 to 12"},
      {"2026-04-31T10:00", "2026-04 has 30 days"},
      {"2026-04-00T10:00", "2026-04 has 30 days"},
      {"2026-04-10T24:00", "hour must be 00 to 23"},
      {"2026-04-10T10:60", "minute must be 00 to 59"},
      {"2026-04-10T10:00:60", "second must be 00 to 59"},
      {"0000-04-10T10:00", "year must be 0001 or later"},
  };
  for (const Case& c : cases) {
    auto r = ParseLocalDateTime(c.text, "end");
    ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(r.status().message(), HasSubstr("end: \"")) << c.text;
    EXPECT_THAT(r.status().message(), HasSubstr(c.problem)) << c.text;
  }
}

TEST(ParseLocalDateTimeTest, RefusesOtherShapes) {
  for (const char* text :
       {"2026-4-10T10:00", "2026-04-10", "2026-04-10T10", "2026/04/10T10:00", "2026-04-10T10:00:0",
        "2026-04-10T10:00:00.000", "26-04-10T10:00", "2026-04-10t10:00", " 2026-04-10T10:00",
        "2026-04-10T10:00 ", "+026-04-10T10:00", "next tuesday"}) {
    auto r = ParseLocalDateTime(text, "start");
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(r.status().message(), HasSubstr("use YYYY-MM-DDTHH:MM")) << text;
  }
}

TEST(ParseLocalDateTimeTest, ExplainsThatOffsetsAreNotWanted) {
  for (const char* text :
       {"2026-04-10T10:00Z", "2026-04-10T10:00:00+01:00", "2026-04-10T10:00-05:00"}) {
    auto r = ParseLocalDateTime(text, "start");
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_THAT(r.status().message(), HasSubstr("leave out the offset or Z")) << text;
  }
}

TEST(ParseLocalDateTimeTest, EmptyIsRequired) {
  auto r = ParseLocalDateTime("", "registration_opens");
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("registration_opens is required"));
}

TEST(ParseLocalDateTimeTest, LongGarbageIsTruncatedInMessage) {
  std::string junk(5000, 'x');
  auto r = ParseLocalDateTime(junk, "start");
  ASSERT_FALSE(r.ok());
  EXPECT_LT(r.status().message().size(), 200u);
  auto ctrl = ParseLocalDateTime(std::string("2026\n\"x"), "start");
  ASSERT_FALSE(ctrl.ok());
  EXPECT_EQ(ctrl.status().message().find('\n'), std::string::npos);
}

TEST(ParseLocalDateTest, ValidAndInvalid) {
  auto d = ParseLocalDate("2026-12-31", "rule.until");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(*d, (LocalDate{2026, 12, 31}));
  EXPECT_EQ(d->ToString(), "2026-12-31");
  auto bad = ParseLocalDate("2026-02-30", "rule.until");
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(),
              HasSubstr("rule.until: \"2026-02-30\" is not a valid date; use YYYY-MM-DD"));
  EXPECT_FALSE(ParseLocalDate("2026-12-31T10:00", "rule.until").ok());
  EXPECT_THAT(ParseLocalDate("", "rule.until").status().message(),
              HasSubstr("rule.until is required"));
}

TEST(LocalDateTimeTest, ToStringAddsSecondsOnlyWhenSet) {
  EXPECT_EQ(Ldt(2026, 3, 29, 1, 30).ToString(), "2026-03-29T01:30");
  EXPECT_EQ(Ldt(2026, 3, 29, 1, 30, 5).ToString(), "2026-03-29T01:30:05");
  EXPECT_EQ(Ldt(987, 1, 2, 3, 4).ToString(), "0987-01-02T03:04");
}

TEST(LocalDateTimeTest, ToStringRoundTripsThroughParse) {
  for (LocalDateTime t : {Ldt(2026, 3, 29, 1, 30), Ldt(2028, 2, 29, 23, 59, 59)}) {
    auto back = ParseLocalDateTime(t.ToString(), "x");
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, t);
  }
}

TEST(LocalDateTimeTest, ComparesFieldByField) {
  EXPECT_LT(Ldt(2026, 3, 29, 1, 30), Ldt(2026, 3, 29, 1, 31));
  EXPECT_LT(Ldt(2025, 12, 31, 23, 59), Ldt(2026, 1, 1, 0, 0));
  EXPECT_NE(Ldt(2026, 1, 1, 0, 0), Ldt(2026, 1, 1, 0, 0, 1));
  EXPECT_FALSE(Ldt(2026, 1, 1, 0, 0) < Ldt(2026, 1, 1, 0, 0));
}

TEST(LocalDateTimeTest, IcsLocalFormat) {
  EXPECT_EQ(FormatIcsLocal(Ldt(2026, 3, 30, 10, 0)), "20260330T100000");
  EXPECT_EQ(FormatIcsLocal(Ldt(2026, 3, 30, 10, 0, 7)), "20260330T100007");
}

TEST(LocalCalendarMathTest, AddMinutesCrossesDaysMonthsAndYears) {
  EXPECT_EQ(AddMinutes(Ldt(2026, 12, 31, 23, 30), 60), Ldt(2027, 1, 1, 0, 30));
  EXPECT_EQ(AddMinutes(Ldt(2028, 2, 28, 23, 0), 120), Ldt(2028, 2, 29, 1, 0));
  EXPECT_EQ(AddMinutes(Ldt(2026, 3, 1, 0, 15), -30), Ldt(2026, 2, 28, 23, 45));
  // Wall-clock arithmetic: the London clock change on 2026-03-29 is not seen here.
  EXPECT_EQ(AddMinutes(Ldt(2026, 3, 29, 0, 30), 90), Ldt(2026, 3, 29, 2, 0));
}

TEST(LocalCalendarMathTest, MinutesBetween) {
  EXPECT_EQ(MinutesBetween(Ldt(2026, 3, 28, 10, 0), Ldt(2026, 3, 29, 10, 0)), 1440);
  EXPECT_EQ(MinutesBetween(Ldt(2026, 3, 29, 10, 0), Ldt(2026, 3, 28, 10, 0)), -1440);
  EXPECT_EQ(MinutesBetween(Ldt(2026, 3, 29, 10, 0), Ldt(2026, 3, 29, 10, 0, 59)), 0);
}

TEST(LocalCalendarMathTest, DayOfWeekIsIso) {
  EXPECT_EQ(DayOfWeek({2026, 3, 30}), 1);  // Monday
  EXPECT_EQ(DayOfWeek({2026, 3, 29}), 7);  // Sunday
  EXPECT_EQ(DayOfWeek({2000, 1, 1}), 6);   // Saturday
  EXPECT_EQ(WeekdayName(DayOfWeek({2026, 12, 10})), "Thursday");
}

TEST(LocalCalendarMathTest, DaysInMonthAndAddDays) {
  EXPECT_EQ(DaysInMonth(2026, 2), 28);
  EXPECT_EQ(DaysInMonth(2028, 2), 29);
  EXPECT_EQ(DaysInMonth(2026, 4), 30);
  EXPECT_EQ(DaysInMonth(2026, 13), 0);
  EXPECT_EQ(AddDays({2026, 2, 27}, 2), (LocalDate{2026, 3, 1}));
  EXPECT_EQ(AddDays({2026, 1, 1}, -1), (LocalDate{2025, 12, 31}));
}

}  // namespace
}  // namespace events::time
