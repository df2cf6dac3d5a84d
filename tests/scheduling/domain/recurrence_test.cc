// Recurrence rules: expansion semantics and every refused rule.
#include "services/scheduling/domain/recurrence.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ctime>
#include <string>
#include <vector>

#include "common/time/local_time.h"

namespace events::scheduling {
namespace {

using events::v1::RecurrenceRule;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using time::LocalDateTime;

LocalDateTime Ldt(int y, int mo, int d, int h, int mi) { return LocalDateTime{y, mo, d, h, mi, 0}; }

int64_t Utc(int y, int mo, int d, int h, int mi) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

RecurrenceRule Weekly(int count, const std::vector<events::v1::Weekday>& days = {},
                      int interval = 0) {
  RecurrenceRule r;
  r.set_frequency(events::v1::FREQUENCY_WEEKLY);
  r.set_count(count);
  r.set_interval(interval);
  for (auto d : days) r.add_by_weekday(d);
  return r;
}

RecurrenceRule Monthly(int count, int week_of_month = 0,
                       const std::vector<events::v1::Weekday>& days = {}) {
  RecurrenceRule r;
  r.set_frequency(events::v1::FREQUENCY_MONTHLY);
  r.set_count(count);
  r.set_week_of_month(week_of_month);
  for (auto d : days) r.add_by_weekday(d);
  return r;
}

std::vector<std::string> Strings(const std::vector<LocalDateTime>& v) {
  std::vector<std::string> out;
  out.reserve(v.size());
  for (const auto& t : v) out.push_back(t.ToString());
  return out;
}

// The message of a refused rule; fails the test if the rule was accepted.
std::string Refusal(const RecurrenceRule& rule, LocalDateTime first) {
  auto r = ExpandRecurrence(rule, first);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << rule.DebugString();
  return std::string(r.status().message());
}

TEST(RecurrenceExpandTest, WeeklyKeepsLondonWallClockAcrossBothDstChanges) {
  // Mondays at 10:00 from 2026-03-16 to 2026-11-02 cross 2026-03-29 and 2026-10-25.
  RecurrenceRule rule = Weekly(0);
  rule.set_until("2026-11-02");
  auto r = ExpandRecurrence(rule, Ldt(2026, 3, 16, 10, 0));
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 34u);
  for (const LocalDateTime& t : *r) {
    EXPECT_EQ(t.hour, 10);
    EXPECT_EQ(time::DayOfWeek(time::DateOf(t)), 1);
  }
  auto instant = [](const LocalDateTime& t) {
    return *time::ToUnixMsShiftingGaps(t, "Europe/London");
  };
  EXPECT_EQ((*r)[0], Ldt(2026, 3, 16, 10, 0));
  EXPECT_EQ(instant((*r)[1]), Utc(2026, 3, 23, 10, 0));  // GMT
  EXPECT_EQ((*r)[2], Ldt(2026, 3, 30, 10, 0));
  EXPECT_EQ(instant((*r)[2]), Utc(2026, 3, 30, 9, 0));  // BST: 09:00Z
  EXPECT_EQ((*r)[31], Ldt(2026, 10, 19, 10, 0));
  EXPECT_EQ(instant((*r)[31]), Utc(2026, 10, 19, 9, 0));
  EXPECT_EQ((*r)[32], Ldt(2026, 10, 26, 10, 0));
  EXPECT_EQ(instant((*r)[32]), Utc(2026, 10, 26, 10, 0));  // GMT again: 10:00Z
  EXPECT_EQ(r->back(), Ldt(2026, 11, 2, 10, 0));
}

TEST(RecurrenceExpandTest, WeeklyOnSeveralWeekdays) {
  auto r = ExpandRecurrence(Weekly(5, {events::v1::WEEKDAY_THURSDAY, events::v1::WEEKDAY_TUESDAY}),
                            Ldt(2026, 3, 26, 14, 30));  // a Thursday
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Strings(*r), ElementsAre("2026-03-26T14:30", "2026-03-31T14:30", "2026-04-02T14:30",
                                       "2026-04-07T14:30", "2026-04-09T14:30"));
}

TEST(RecurrenceExpandTest, WeeklyDefaultsToTheFirstWeekdayAndCountOne) {
  auto one = ExpandRecurrence(Weekly(1), Ldt(2026, 3, 26, 14, 30));
  ASSERT_TRUE(one.ok());
  EXPECT_THAT(Strings(*one), ElementsAre("2026-03-26T14:30"));
  auto three = ExpandRecurrence(Weekly(3), Ldt(2026, 12, 24, 9, 0));
  ASSERT_TRUE(three.ok());
  EXPECT_THAT(Strings(*three),
              ElementsAre("2026-12-24T09:00", "2026-12-31T09:00", "2027-01-07T09:00"));
}

TEST(RecurrenceExpandTest, WeeklyEveryOtherWeek) {
  auto r =
      ExpandRecurrence(Weekly(6, {events::v1::WEEKDAY_MONDAY, events::v1::WEEKDAY_FRIDAY}, 2),
                       Ldt(2026, 3, 6, 18, 0));  // a Friday; that week's Monday is before the start
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Strings(*r), ElementsAre("2026-03-06T18:00", "2026-03-16T18:00", "2026-03-20T18:00",
                                       "2026-03-30T18:00", "2026-04-03T18:00", "2026-04-13T18:00"));
}

TEST(RecurrenceExpandTest, UntilIsInclusive) {
  RecurrenceRule rule = Weekly(0);
  rule.set_until("2026-04-13");
  auto r = ExpandRecurrence(rule, Ldt(2026, 3, 30, 10, 0));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Strings(*r), ElementsAre("2026-03-30T10:00", "2026-04-06T10:00", "2026-04-13T10:00"));
  rule.set_until("2026-04-12");
  EXPECT_EQ(ExpandRecurrence(rule, Ldt(2026, 3, 30, 10, 0))->size(), 2u);
  rule.set_until("2026-03-30");
  EXPECT_EQ(ExpandRecurrence(rule, Ldt(2026, 3, 30, 10, 0))->size(), 1u);
}

TEST(RecurrenceExpandTest, MonthlyOn31stSkipsShortMonths) {
  auto r = ExpandRecurrence(Monthly(6), Ldt(2026, 1, 31, 12, 0));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Strings(*r), ElementsAre("2026-01-31T12:00", "2026-03-31T12:00", "2026-05-31T12:00",
                                       "2026-07-31T12:00", "2026-08-31T12:00", "2026-10-31T12:00"));
}

TEST(RecurrenceExpandTest, MonthlyOn29thSkipsFebruaryOutsideLeapYears) {
  RecurrenceRule rule = Monthly(0);
  rule.set_until("2028-03-31");
  rule.set_interval(12);
  auto r = ExpandRecurrence(rule, Ldt(2026, 2, 28, 9, 0));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 3u);
  rule.set_interval(1);
  rule.set_until("2028-03-29");
  auto leap = ExpandRecurrence(rule, Ldt(2027, 1, 29, 9, 0));
  ASSERT_TRUE(leap.ok());
  // January 2027 to March 2028 is 15 months; only February 2027 lacks a 29th.
  EXPECT_EQ(leap->size(), 14u);
  EXPECT_EQ((*leap)[1], Ldt(2027, 3, 29, 9, 0));
  EXPECT_EQ((*leap)[12], Ldt(2028, 2, 29, 9, 0));
}

TEST(RecurrenceExpandTest, MonthlyFirstTuesday) {
  auto r = ExpandRecurrence(Monthly(4, 1, {events::v1::WEEKDAY_TUESDAY}), Ldt(2026, 3, 3, 10, 0));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Strings(*r), ElementsAre("2026-03-03T10:00", "2026-04-07T10:00", "2026-05-05T10:00",
                                       "2026-06-02T10:00"));
}

TEST(RecurrenceExpandTest, MonthlyLastFriday) {
  auto r = ExpandRecurrence(Monthly(4, -1, {events::v1::WEEKDAY_FRIDAY}), Ldt(2026, 1, 30, 16, 0));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Strings(*r), ElementsAre("2026-01-30T16:00", "2026-02-27T16:00", "2026-03-27T16:00",
                                       "2026-04-24T16:00"));
}

TEST(RecurrenceExpandTest, MonthlyFourthThursdayEveryThirdMonth) {
  RecurrenceRule rule = Monthly(3, 4, {events::v1::WEEKDAY_THURSDAY});
  rule.set_interval(3);
  auto r = ExpandRecurrence(rule, Ldt(2026, 11, 26, 19, 0));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_THAT(Strings(*r), ElementsAre("2026-11-26T19:00", "2027-02-25T19:00", "2027-05-27T19:00"));
}

TEST(RecurrenceExpandTest, OccurrenceInTheLondonGapShiftsForward) {
  // Sundays at 01:30: the one on 2026-03-29 does not exist and becomes 02:30 BST.
  auto r = ExpandRecurrence(Weekly(3), Ldt(2026, 3, 22, 1, 30));
  ASSERT_TRUE(r.ok());
  int64_t gap = *time::ToUnixMsShiftingGaps((*r)[1], "Europe/London");
  EXPECT_EQ(time::FromUnixMs(gap, "Europe/London"), Ldt(2026, 3, 29, 2, 30));
}

TEST(RecurrenceRefusalTest, FrequencyIsRequired) {
  RecurrenceRule rule = Weekly(3);
  rule.set_frequency(events::v1::FREQUENCY_UNSPECIFIED);
  EXPECT_EQ(Refusal(rule, Ldt(2026, 3, 30, 10, 0)),
            "rule.frequency is required: FREQUENCY_WEEKLY or FREQUENCY_MONTHLY");
  rule.set_frequency(static_cast<events::v1::Frequency>(9));
  EXPECT_THAT(Refusal(rule, Ldt(2026, 3, 30, 10, 0)), HasSubstr("rule.frequency is required"));
}

TEST(RecurrenceRefusalTest, ExactlyOneOfCountAndUntil) {
  RecurrenceRule both = Weekly(3);
  both.set_until("2026-05-01");
  EXPECT_EQ(Refusal(both, Ldt(2026, 3, 30, 10, 0)), "rule: set exactly one of count and until");
  EXPECT_EQ(Refusal(Weekly(0), Ldt(2026, 3, 30, 10, 0)),
            "rule: set exactly one of count and until");
}

TEST(RecurrenceRefusalTest, CountRange) {
  EXPECT_EQ(Refusal(Weekly(105), Ldt(2026, 3, 30, 10, 0)), "rule.count must be between 1 and 104");
  EXPECT_EQ(Refusal(Weekly(-1), Ldt(2026, 3, 30, 10, 0)), "rule.count must be between 1 and 104");
  EXPECT_EQ(ExpandRecurrence(Weekly(104), Ldt(2026, 3, 30, 10, 0))->size(), 104u);
  auto small = ExpandRecurrence(Weekly(11), Ldt(2026, 3, 30, 10, 0), 10);
  EXPECT_THAT(small.status().message(), HasSubstr("between 1 and 10"));
}

TEST(RecurrenceRefusalTest, IntervalRange) {
  EXPECT_THAT(Refusal(Weekly(3, {}, 53), Ldt(2026, 3, 30, 10, 0)),
              HasSubstr("rule.interval must be between 0 and 52"));
  EXPECT_THAT(Refusal(Weekly(3, {}, -1), Ldt(2026, 3, 30, 10, 0)),
              HasSubstr("rule.interval must be between 0 and 52"));
  EXPECT_TRUE(ExpandRecurrence(Weekly(3, {}, 52), Ldt(2026, 3, 30, 10, 0)).ok());
}

TEST(RecurrenceRefusalTest, UntilMustParseAndNotPrecedeTheFirst) {
  RecurrenceRule rule = Weekly(0);
  rule.set_until("2026-02-30");
  EXPECT_THAT(Refusal(rule, Ldt(2026, 3, 30, 10, 0)),
              HasSubstr("rule.until: \"2026-02-30\" is not a valid date"));
  rule.set_until("30/04/2026");
  EXPECT_THAT(Refusal(rule, Ldt(2026, 3, 30, 10, 0)), HasSubstr("use YYYY-MM-DD"));
  rule.set_until("2026-03-29");
  EXPECT_EQ(Refusal(rule, Ldt(2026, 3, 30, 10, 0)),
            "rule.until 2026-03-29 is before the first occurrence on 2026-03-30");
}

TEST(RecurrenceRefusalTest, UntilGivingTooManyOccurrences) {
  RecurrenceRule rule = Weekly(0);
  rule.set_until("2030-01-01");
  EXPECT_EQ(Refusal(rule, Ldt(2026, 3, 30, 10, 0)),
            "rule.until 2030-01-01 gives more than 104 occurrences; choose an earlier date or "
            "use count");
  rule.set_until("2028-03-20");  // exactly 104 Mondays
  auto r = ExpandRecurrence(rule, Ldt(2026, 3, 30, 10, 0));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->size(), 104u);
}

TEST(RecurrenceRefusalTest, FirstOccurrenceMustBeOnAChosenWeekday) {
  EXPECT_EQ(Refusal(Weekly(4, {events::v1::WEEKDAY_TUESDAY, events::v1::WEEKDAY_THURSDAY}),
                    Ldt(2026, 3, 30, 10, 0)),
            "rule.by_weekday: the first occurrence (Monday 2026-03-30) must fall on one of the "
            "chosen weekdays (Tuesday, Thursday)");
}

TEST(RecurrenceRefusalTest, WeekdayValues) {
  RecurrenceRule rule = Weekly(3, {events::v1::WEEKDAY_MONDAY});
  rule.add_by_weekday(events::v1::WEEKDAY_UNSPECIFIED);
  EXPECT_EQ(Refusal(rule, Ldt(2026, 3, 30, 10, 0)),
            "rule.by_weekday[1]: 0 is not a weekday; use WEEKDAY_MONDAY to WEEKDAY_SUNDAY");
  RecurrenceRule twice = Weekly(3, {events::v1::WEEKDAY_MONDAY, events::v1::WEEKDAY_MONDAY});
  EXPECT_EQ(Refusal(twice, Ldt(2026, 3, 30, 10, 0)), "rule.by_weekday lists Monday more than once");
}

TEST(RecurrenceRefusalTest, WeekOfMonthRules) {
  EXPECT_THAT(Refusal(Monthly(3, 5, {events::v1::WEEKDAY_TUESDAY}), Ldt(2026, 3, 3, 10, 0)),
              HasSubstr("rule.week_of_month must be 1..4 or -1"));
  EXPECT_THAT(Refusal(Monthly(3, -2, {events::v1::WEEKDAY_TUESDAY}), Ldt(2026, 3, 3, 10, 0)),
              HasSubstr("rule.week_of_month must be 1..4 or -1"));
  RecurrenceRule weekly = Weekly(3);
  weekly.set_week_of_month(1);
  EXPECT_EQ(Refusal(weekly, Ldt(2026, 3, 3, 10, 0)),
            "rule.week_of_month is only for FREQUENCY_MONTHLY");
  EXPECT_EQ(Refusal(Monthly(3, 1), Ldt(2026, 3, 3, 10, 0)),
            "rule.by_weekday: with rule.week_of_month, give exactly one weekday");
  EXPECT_EQ(Refusal(Monthly(3, 1, {events::v1::WEEKDAY_TUESDAY, events::v1::WEEKDAY_FRIDAY}),
                    Ldt(2026, 3, 3, 10, 0)),
            "rule.by_weekday: with rule.week_of_month, give exactly one weekday");
  EXPECT_THAT(Refusal(Monthly(3, 0, {events::v1::WEEKDAY_TUESDAY}), Ldt(2026, 3, 3, 10, 0)),
              HasSubstr("rule.by_weekday is only used with rule.week_of_month"));
}

TEST(RecurrenceRefusalTest, FirstOccurrenceMustMatchNthWeekday) {
  EXPECT_EQ(Refusal(Monthly(3, 1, {events::v1::WEEKDAY_TUESDAY}), Ldt(2026, 3, 10, 10, 0)),
            "rule.week_of_month: the first occurrence (Tuesday 2026-03-10) is not the first "
            "Tuesday of its month");
  EXPECT_EQ(Refusal(Monthly(3, -1, {events::v1::WEEKDAY_FRIDAY}), Ldt(2026, 3, 26, 10, 0)),
            "rule.by_weekday: the first occurrence (Thursday 2026-03-26) must fall on the chosen "
            "weekday (Friday)");
}

TEST(RecurrenceRefusalTest, OccurrencesBeyondTheSupportedYears) {
  RecurrenceRule rule = Monthly(40);
  rule.set_interval(6);
  EXPECT_THAT(Refusal(rule, Ldt(2026, 3, 30, 10, 0)),
              HasSubstr("events can be scheduled only up to 2037-12-31"));
  EXPECT_THAT(Refusal(Weekly(3), LocalDateTime{2026, 2, 30, 10, 0, 0}),
              HasSubstr("is not a valid date-time"));
}

}  // namespace
}  // namespace events::scheduling
