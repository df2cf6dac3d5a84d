// Zone-aware conversions against the tz database: gaps, overlaps, offsets, transitions.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "common/time/local_time.h"

namespace events::time {
namespace {

using ::testing::HasSubstr;

// Expected instants come from libc's timegm, independent of the code under test.
int64_t Utc(int y, int mo, int d, int h, int mi, int s = 0) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

LocalDateTime Ldt(int y, int mo, int d, int h, int mi, int s = 0) {
  return LocalDateTime{y, mo, d, h, mi, s};
}

int64_t MustMs(const LocalDateTime& t, const std::string& zone) {
  auto r = ToUnixMs(t, zone, "start");
  EXPECT_TRUE(r.ok()) << t.ToString() << " " << zone << ": " << r.status();
  return r.ok() ? *r : 0;
}

TEST(ValidateTimeZoneTest, AcceptsIanaNames) {
  for (const char* zone : {"Europe/London", "Asia/Kolkata", "UTC", "America/New_York",
                           "Australia/Sydney", "America/Argentina/Buenos_Aires", "Etc/GMT+5"}) {
    EXPECT_TRUE(ValidateTimeZone(zone, "time_zone").ok()) << zone;
  }
}

TEST(ValidateTimeZoneTest, RefusesUnknownNamesWithExample) {
  absl::Status s = ValidateTimeZone("Mars/Base", "details.time_zone");
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "details.time_zone: \"Mars/Base\" is not an IANA time zone name, e.g. Europe/London");
  for (const char* zone : {"europe/london", "GMT+1", "BST", "localtime", "posixrules",
                           "../../../etc/passwd", "/etc/localtime", "Europe/London ", "+01:00"}) {
    EXPECT_EQ(ValidateTimeZone(zone, "time_zone").code(), absl::StatusCode::kInvalidArgument)
        << zone;
  }
}

TEST(ValidateTimeZoneTest, EmptyIsRequired) {
  absl::Status s = ValidateTimeZone("", "details.time_zone");
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "details.time_zone is required");
}

TEST(ValidateTimeZoneTest, DatabaseIsReadable) { EXPECT_TRUE(CheckTimeZoneDatabase().ok()); }

TEST(LondonSpringForwardTest, GapIsRefusedWithExplanation) {
  for (LocalDateTime t :
       {Ldt(2026, 3, 29, 1, 0), Ldt(2026, 3, 29, 1, 30), Ldt(2026, 3, 29, 1, 59, 59)}) {
    auto r = ToUnixMs(t, "Europe/London", "start");
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << t.ToString();
  }
  auto r = ToUnixMs(Ldt(2026, 3, 29, 1, 30), "Europe/London", "start");
  EXPECT_EQ(r.status().message(),
            "start: 2026-03-29T01:30 does not exist in Europe/London (clocks go forward from "
            "01:00 to 02:00); choose a time outside the gap");
}

TEST(LondonSpringForwardTest, EdgesOfTheGapAreFine) {
  int64_t before = MustMs(Ldt(2026, 3, 29, 0, 59), "Europe/London");
  int64_t after = MustMs(Ldt(2026, 3, 29, 2, 0), "Europe/London");
  EXPECT_EQ(before, Utc(2026, 3, 29, 0, 59));
  EXPECT_EQ(after, Utc(2026, 3, 29, 1, 0));
  EXPECT_EQ(FormatRfc3339(before, "Europe/London"), "2026-03-29T00:59:00+00:00");
  EXPECT_EQ(FormatRfc3339(after, "Europe/London"), "2026-03-29T02:00:00+01:00");
  EXPECT_EQ(OffsetMinutesAt(before, "Europe/London"), 0);
  EXPECT_EQ(OffsetMinutesAt(after, "Europe/London"), 60);
}

TEST(LondonSpringForwardTest, ShiftingGapsMovesForwardByTheGap) {
  auto r = ToUnixMsShiftingGaps(Ldt(2026, 3, 29, 1, 30), "Europe/London");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, Utc(2026, 3, 29, 1, 30));
  EXPECT_EQ(FromUnixMs(*r, "Europe/London"), Ldt(2026, 3, 29, 2, 30));
  // Outside a gap both functions agree.
  EXPECT_EQ(*ToUnixMsShiftingGaps(Ldt(2026, 3, 30, 10, 0), "Europe/London"),
            MustMs(Ldt(2026, 3, 30, 10, 0), "Europe/London"));
}

TEST(LondonFallBackTest, AmbiguousTimeResolvesToEarlierBstInstant) {
  EXPECT_EQ(MustMs(Ldt(2026, 10, 25, 1, 30), "Europe/London"), Utc(2026, 10, 25, 0, 30));
  EXPECT_EQ(MustMs(Ldt(2026, 10, 25, 1, 0), "Europe/London"), Utc(2026, 10, 25, 0, 0));
  EXPECT_EQ(*ToUnixMsShiftingGaps(Ldt(2026, 10, 25, 1, 30), "Europe/London"),
            Utc(2026, 10, 25, 0, 30));
  EXPECT_EQ(FormatRfc3339(Utc(2026, 10, 25, 0, 30), "Europe/London"), "2026-10-25T01:30:00+01:00");
}

TEST(LondonFallBackTest, TimesAroundTheOverlap) {
  EXPECT_EQ(MustMs(Ldt(2026, 10, 25, 0, 59), "Europe/London"), Utc(2026, 10, 24, 23, 59));
  EXPECT_EQ(MustMs(Ldt(2026, 10, 25, 2, 0), "Europe/London"), Utc(2026, 10, 25, 2, 0));
  EXPECT_EQ(FormatRfc3339(Utc(2026, 10, 25, 2, 0), "Europe/London"), "2026-10-25T02:00:00+00:00");
  // The second 01:30 (GMT) still reads back as 01:30 local.
  EXPECT_EQ(FromUnixMs(Utc(2026, 10, 25, 1, 30), "Europe/London"), Ldt(2026, 10, 25, 1, 30));
}

TEST(LondonFallBackTest, RepeatedWallTimesAreRecognisedOnBothPasses) {
  // 2026-10-25: 01:00-02:00 happens at 00:00-01:00Z (BST) and again at 01:00-02:00Z (GMT).
  EXPECT_TRUE(IsRepeatedWallTime(Utc(2026, 10, 25, 0, 30), "Europe/London"));  // first pass
  EXPECT_TRUE(IsRepeatedWallTime(Utc(2026, 10, 25, 1, 30), "Europe/London"));  // second pass
  EXPECT_TRUE(IsRepeatedWallTime(Utc(2026, 10, 25, 0, 0), "Europe/London"));   // 01:00 BST
  EXPECT_FALSE(IsRepeatedWallTime(Utc(2026, 10, 25, 2, 0), "Europe/London"));  // 02:00 GMT
  EXPECT_FALSE(IsRepeatedWallTime(Utc(2026, 10, 24, 23, 59), "Europe/London"));
  EXPECT_FALSE(IsRepeatedWallTime(Utc(2026, 3, 29, 1, 30), "Europe/London"));  // after a gap
  EXPECT_TRUE(IsRepeatedWallTime(Utc(2026, 11, 1, 5, 30), "America/New_York"));
  EXPECT_FALSE(IsRepeatedWallTime(Utc(2026, 10, 25, 0, 30), "Asia/Kolkata"));
  EXPECT_FALSE(IsRepeatedWallTime(Utc(2026, 10, 25, 0, 30), "Mars/Base"));
}

TEST(NewYorkTest, SpringForwardGap) {
  auto r = ToUnixMs(Ldt(2026, 3, 8, 2, 30), "America/New_York", "new_start");
  ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "new_start: 2026-03-08T02:30 does not exist in America/New_York (clocks go forward "
            "from 02:00 to 03:00); choose a time outside the gap");
  EXPECT_EQ(MustMs(Ldt(2026, 3, 8, 1, 59), "America/New_York"), Utc(2026, 3, 8, 6, 59));
  EXPECT_EQ(MustMs(Ldt(2026, 3, 8, 3, 0), "America/New_York"), Utc(2026, 3, 8, 7, 0));
  EXPECT_EQ(*ToUnixMsShiftingGaps(Ldt(2026, 3, 8, 2, 30), "America/New_York"),
            Utc(2026, 3, 8, 7, 30));
  EXPECT_EQ(FormatRfc3339(Utc(2026, 3, 8, 7, 0), "America/New_York"), "2026-03-08T03:00:00-04:00");
}

TEST(NewYorkTest, FallBackOverlapPicksEdt) {
  EXPECT_EQ(MustMs(Ldt(2026, 11, 1, 1, 30), "America/New_York"), Utc(2026, 11, 1, 5, 30));
  EXPECT_EQ(MustMs(Ldt(2026, 11, 1, 2, 0), "America/New_York"), Utc(2026, 11, 1, 7, 0));
  EXPECT_EQ(OffsetMinutesAt(Utc(2026, 11, 1, 5, 30), "America/New_York"), -240);
  EXPECT_EQ(OffsetMinutesAt(Utc(2026, 11, 1, 7, 0), "America/New_York"), -300);
}

TEST(KolkataTest, HalfHourOffsetWithoutDst) {
  int64_t ms = MustMs(Ldt(2026, 7, 1, 10, 0), "Asia/Kolkata");
  EXPECT_EQ(ms, Utc(2026, 7, 1, 4, 30));
  EXPECT_EQ(OffsetMinutesAt(ms, "Asia/Kolkata"), 330);
  EXPECT_EQ(FormatRfc3339(ms, "Asia/Kolkata"), "2026-07-01T10:00:00+05:30");
  EXPECT_TRUE(
      TransitionsBetween("Asia/Kolkata", Utc(2025, 1, 1, 0, 0), Utc(2028, 1, 1, 0, 0)).empty());
}

TEST(SydneyTest, SouthernHemisphereDst) {
  EXPECT_EQ(OffsetMinutesAt(Utc(2026, 1, 15, 0, 0), "Australia/Sydney"), 660);
  EXPECT_EQ(OffsetMinutesAt(Utc(2026, 7, 15, 0, 0), "Australia/Sydney"), 600);
  auto gap = ToUnixMs(Ldt(2026, 10, 4, 2, 30), "Australia/Sydney", "start");
  ASSERT_EQ(gap.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(gap.status().message(), HasSubstr("clocks go forward from 02:00 to 03:00"));
  // 02:30 on 2026-04-05 happens twice; the first is still on AEDT (+11:00).
  EXPECT_EQ(MustMs(Ldt(2026, 4, 5, 2, 30), "Australia/Sydney"), Utc(2026, 4, 4, 15, 30));
  auto transitions =
      TransitionsBetween("Australia/Sydney", Utc(2026, 1, 1, 0, 0), Utc(2027, 1, 1, 0, 0));
  ASSERT_EQ(transitions.size(), 2u);
  EXPECT_FALSE(transitions[0].dst_after);
  EXPECT_EQ(transitions[0].abbrev_after, "AEST");
  EXPECT_EQ(transitions[0].local_start, Ldt(2026, 4, 5, 3, 0));
  EXPECT_TRUE(transitions[1].dst_after);
  EXPECT_EQ(transitions[1].local_start, Ldt(2026, 10, 4, 2, 0));
}

TEST(TransitionsTest, LondonTwoChangesIn2026) {
  auto t = TransitionsBetween("Europe/London", Utc(2026, 1, 1, 0, 0), Utc(2027, 1, 1, 0, 0));
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].at_unix_ms, Utc(2026, 3, 29, 1, 0));
  EXPECT_EQ(t[0].offset_before_minutes, 0);
  EXPECT_EQ(t[0].offset_after_minutes, 60);
  EXPECT_TRUE(t[0].dst_after);
  EXPECT_EQ(t[0].abbrev_after, "BST");
  EXPECT_EQ(t[0].local_start, Ldt(2026, 3, 29, 1, 0));
  EXPECT_EQ(t[1].at_unix_ms, Utc(2026, 10, 25, 1, 0));
  EXPECT_EQ(t[1].offset_before_minutes, 60);
  EXPECT_EQ(t[1].offset_after_minutes, 0);
  EXPECT_FALSE(t[1].dst_after);
  EXPECT_EQ(t[1].abbrev_after, "GMT");
  EXPECT_EQ(t[1].local_start, Ldt(2026, 10, 25, 2, 0));
}

TEST(TransitionsTest, RangeIsHalfOpen) {
  int64_t change = Utc(2026, 3, 29, 1, 0);
  EXPECT_EQ(TransitionsBetween("Europe/London", change, change + 1000).size(), 1u);
  EXPECT_TRUE(TransitionsBetween("Europe/London", change - 1000, change).empty());
  EXPECT_TRUE(TransitionsBetween("Europe/London", change + 1, change + 1000).empty());
  EXPECT_TRUE(TransitionsBetween("Mars/Base", 0, change).empty());
  EXPECT_TRUE(TransitionsBetween("Europe/London", change, 0).empty());
}

TEST(TransitionsTest, UtcHasNone) {
  EXPECT_TRUE(TransitionsBetween("UTC", Utc(1990, 1, 1, 0, 0), Utc(2030, 1, 1, 0, 0)).empty());
}

TEST(ToUnixMsTest, RefusesUnknownZoneInvalidTimeAndFarFuture) {
  auto zone = ToUnixMs(Ldt(2026, 3, 30, 10, 0), "Mars/Base", "start");
  EXPECT_EQ(zone.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(zone.status().message(), HasSubstr("start: unknown time zone \"Mars/Base\""));
  auto invalid = ToUnixMs(Ldt(2026, 2, 30, 10, 0), "UTC", "start");
  EXPECT_EQ(invalid.status().code(), absl::StatusCode::kInvalidArgument);
  auto far = ToUnixMs(Ldt(2040, 7, 1, 10, 0), "Europe/London", "start");
  EXPECT_EQ(far.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(far.status().message(), HasSubstr("times up to 2037-12-31 are supported"));
  EXPECT_TRUE(ToUnixMs(Ldt(2037, 7, 1, 10, 0), "Europe/London", "start").ok());
  EXPECT_EQ(MustMs(Ldt(2037, 7, 1, 10, 0), "Europe/London"), Utc(2037, 7, 1, 9, 0));
}

TEST(TimeFormatTest, Rfc3339AndIcsUtc) {
  int64_t ms = Utc(2026, 3, 30, 9, 0);
  EXPECT_EQ(FormatRfc3339(ms, "Europe/London"), "2026-03-30T10:00:00+01:00");
  EXPECT_EQ(FormatRfc3339(ms, "UTC"), "2026-03-30T09:00:00+00:00");
  EXPECT_EQ(FormatRfc3339(ms + 999, "UTC"), "2026-03-30T09:00:00+00:00");
  EXPECT_EQ(FormatRfc3339(ms, "America/New_York"), "2026-03-30T05:00:00-04:00");
  EXPECT_EQ(FormatIcsUtc(ms), "20260330T090000Z");
  EXPECT_EQ(FormatIcsUtc(0), "19700101T000000Z");
}

TEST(FromUnixMsTest, RoundsDownAndRoundTrips) {
  EXPECT_EQ(FromUnixMs(-1, "UTC"), Ldt(1969, 12, 31, 23, 59, 59));
  EXPECT_EQ(FromUnixMs(Utc(2026, 3, 30, 9, 0) + 500, "Europe/London"), Ldt(2026, 3, 30, 10, 0));
  EXPECT_EQ(FromUnixMs(Utc(2026, 3, 30, 9, 0), "Not/AZone"), Ldt(2026, 3, 30, 9, 0));
  for (int64_t ms = Utc(2026, 1, 1, 0, 0); ms < Utc(2027, 1, 1, 0, 0);
       ms += int64_t{7} * 3600 * 1000) {
    LocalDateTime local = FromUnixMs(ms, "Europe/London");
    // Every instant's wall time maps back to it, except the second pass through the overlap.
    if (local.month == 10 && local.day == 25 && local.hour == 1) continue;
    EXPECT_EQ(MustMs(local, "Europe/London"), ms) << local.ToString();
  }
  // Garbage instants are clamped instead of overflowing.
  EXPECT_EQ(FromUnixMs(INT64_MAX, "UTC").year, 9999);
  EXPECT_EQ(FromUnixMs(INT64_MIN, "UTC").year, 1);
}

TEST(ThreadSafetyTest, ConcurrentFirstUseOfTheDatabase) {
  // Each test runs in its own process under ctest, so this is the database's first load.
  std::vector<std::thread> threads;
  std::vector<int64_t> results(8, 0);
  const char* zones[] = {"Europe/London", "Asia/Kolkata", "America/New_York", "Australia/Sydney"};
  threads.reserve(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto r = ToUnixMs(Ldt(2026, 7, 1, 12, 0), zones[i % 4], "start");
      results[i] = r.ok() ? *r : -1;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(results[0], Utc(2026, 7, 1, 11, 0));
  EXPECT_EQ(results[1], Utc(2026, 7, 1, 6, 30));
  EXPECT_EQ(results[2], Utc(2026, 7, 1, 16, 0));
  EXPECT_EQ(results[3], Utc(2026, 7, 1, 2, 0));
  for (int i = 4; i < 8; ++i) EXPECT_EQ(results[i], results[i - 4]);
}

}  // namespace
}  // namespace events::time
