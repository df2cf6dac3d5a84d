#include "common/util/clock.h"
#include "common/util/ids.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/scheduling/domain/ics_parse.h"
#include "services/scheduling/domain/scheduler.h"
#include "services/scheduling/store/fake_event_store.h"
#include "tests/scheduling/test_events.h"

namespace events::scheduling {
namespace {

using ::testing::HasSubstr;
using testing::kNow;
using testing::Webinar;

constexpr char kOrg[] = "org_riverside";

class SeriesTest : public ::testing::Test {
 protected:
  // Weekly on Tuesdays at 10:00 London from 2026-03-17, six times: across 2026-03-29.
  events::v1::RecurrenceRule Weekly(int count = 6) {
    events::v1::RecurrenceRule rule;
    rule.set_frequency(events::v1::FREQUENCY_WEEKLY);
    rule.set_count(count);
    return rule;
  }
  events::v1::EventDetails FirstTuesday() {
    auto d = Webinar();
    d.mutable_start()->set_value("2026-03-17T10:00");
    d.mutable_end()->set_value("2026-03-17T11:00");
    return d;
  }

  FakeClock clock_{kNow};
  IdGenerator ids_{clock_};
  FakeEventStore store_;
  Scheduler scheduler_{store_, clock_, ids_};
};

TEST_F(SeriesTest, WeeklySeriesKeepsLocalTimeAcrossTheClockChange) {
  auto series = scheduler_.CreateSeries(kOrg, FirstTuesday(), Weekly());
  ASSERT_TRUE(series.ok()) << series.status();
  ASSERT_EQ(series->event_ids_size(), 6);
  const int64_t kHour = 3600000;
  // 17th and 24th March are GMT (10:00Z); from the 31st BST (09:00Z).
  std::vector<int64_t> expected = {1773741600000,         1774346400000,
                                   1774951200000 - kHour, 1775556000000 - kHour,
                                   1776160800000 - kHour, 1776765600000 - kHour};
  for (int i = 0; i < 6; ++i) {
    auto e = scheduler_.Get(kOrg, series->event_ids(i));
    ASSERT_TRUE(e.ok()) << e.status();
    EXPECT_EQ(e->start_unix_ms(), expected[i]) << "occurrence " << i + 1;
    EXPECT_EQ(e->details().start().value().substr(10), "T10:00");
    EXPECT_EQ(e->series_id(), series->id());
    EXPECT_EQ(e->series_index(), i + 1);
    EXPECT_EQ(e->status(), events::v1::EVENT_STATUS_DRAFT);
  }
  // Occurrence ids share the series' partition key.
  EXPECT_EQ(series->event_ids(0), "ev_" + series->id().substr(3) + "-001");
  EXPECT_EQ(store_.Emitted().size(), 6u);
}

TEST_F(SeriesTest, PublishAndCancelTheWholeSeries) {
  auto series = scheduler_.CreateSeries(kOrg, FirstTuesday(), Weekly(3));
  ASSERT_TRUE(series.ok()) << series.status();
  ASSERT_TRUE(scheduler_.Cancel(kOrg, series->event_ids(1), 0, "Room booked").ok());
  ASSERT_TRUE(scheduler_.PublishSeries(kOrg, series->id()).ok());
  EXPECT_EQ(scheduler_.Get(kOrg, series->event_ids(0))->status(),
            events::v1::EVENT_STATUS_PUBLISHED);
  EXPECT_EQ(scheduler_.Get(kOrg, series->event_ids(1))->status(),
            events::v1::EVENT_STATUS_CANCELLED);
  EXPECT_EQ(store_.PendingJobs().size(), 6u);  // 3 reminders for each of 2 published
  auto again = scheduler_.PublishSeries(kOrg, series->id());
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);

  ASSERT_TRUE(scheduler_.CancelSeries(kOrg, series->id(), "Funding ended").ok());
  for (const auto& id : series->event_ids()) {
    EXPECT_EQ(scheduler_.Get(kOrg, id)->status(), events::v1::EVENT_STATUS_CANCELLED);
  }
  EXPECT_TRUE(store_.PendingJobs().empty());
}

TEST_F(SeriesTest, PublicSeesOnlyPublishedOccurrences) {
  auto series = scheduler_.CreateSeries(kOrg, FirstTuesday(), Weekly(3));
  ASSERT_TRUE(series.ok());
  EXPECT_EQ(scheduler_.GetSeries("", series->id()).status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(scheduler_.Publish(kOrg, series->event_ids(2), 0).ok());
  auto view = scheduler_.GetSeries("", series->id());
  ASSERT_TRUE(view.ok()) << view.status();
  ASSERT_EQ(view->event_ids_size(), 1);
  EXPECT_EQ(view->event_ids(0), series->event_ids(2));
  EXPECT_TRUE(view->template_().join_link().empty());
}

TEST_F(SeriesTest, SeriesCalendarHasOneEventPerOccurrence) {
  auto series = scheduler_.CreateSeries(kOrg, FirstTuesday(), Weekly(4));
  ASSERT_TRUE(series.ok());
  auto ics = scheduler_.SeriesCalendar(kOrg, series->id());
  ASSERT_TRUE(ics.ok()) << ics.status();
  auto parsed = ParseIcs(ics->content());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  int vevents = 0;
  for (const auto& child : parsed->children) vevents += child.name == "VEVENT";
  EXPECT_EQ(vevents, 4);
}

// Occurrences that meet a clock change keep the first one's exact length (RFC 5545): a start
// in a spring-forward gap moves forward by the gap and the end moves with it, and one in a
// fall-back overlap is the first pass of the repeated time.
TEST_F(SeriesTest, OccurrencesAtAClockChangeKeepTheirDuration) {
  struct Case {
    const char* name;
    const char* zone;
    const char* first_start;
    const char* first_end;
    int change_index;           // 0-based occurrence that meets the change
    int64_t change_start_unix;  // its start, seconds
    const char* change_local_start;
  } cases[] = {
      // Clocks go forward 01:00 -> 02:00: 01:30 does not exist and becomes 02:30 BST.
      {"London gap, one hour", "Europe/London", "2027-03-14T01:30", "2027-03-14T02:30", 2,
       1806197400, "2027-03-28T02:30"},
      {"London gap, 45 minutes", "Europe/London", "2027-03-14T01:30", "2027-03-14T02:15", 2,
       1806197400, "2027-03-28T02:30"},
      // Clocks go forward 00:00 -> 01:00 on 2027-09-05.
      {"Santiago gap", "America/Santiago", "2027-08-22T00:30", "2027-08-22T01:30", 2, 1820118600,
       "2027-09-05T01:30"},
      // Clocks go back 02:00 -> 01:00: 01:15 happens twice; the first (BST) is meant.
      {"London overlap", "Europe/London", "2027-10-17T01:15", "2027-10-17T02:15", 2, 1824941700,
       "2027-10-31T01:15"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto d = Webinar();
    d.set_time_zone(c.zone);
    d.mutable_start()->set_value(c.first_start);
    d.mutable_end()->set_value(c.first_end);
    auto series = scheduler_.CreateSeries(kOrg, d, Weekly(4));
    ASSERT_TRUE(series.ok()) << series.status();
    auto first = scheduler_.Get(kOrg, series->event_ids(0));
    ASSERT_TRUE(first.ok());
    const int64_t duration = first->end_unix_ms() - first->start_unix_ms();
    ASSERT_GT(duration, 0);
    for (int i = 0; i < series->event_ids_size(); ++i) {
      auto e = scheduler_.Get(kOrg, series->event_ids(i));
      ASSERT_TRUE(e.ok());
      EXPECT_EQ(e->end_unix_ms() - e->start_unix_ms(), duration) << "occurrence " << i + 1;
    }
    auto changed = scheduler_.Get(kOrg, series->event_ids(c.change_index));
    ASSERT_TRUE(changed.ok());
    EXPECT_EQ(changed->start_unix_ms(), c.change_start_unix * 1000);
    EXPECT_EQ(changed->details().start().value(), c.change_local_start);

    // Editing the occurrence later keeps its instants, even where its end text is a repeated
    // wall time, and its calendar entry has a real length.
    auto details = changed->details();
    details.set_title("Renamed occurrence");
    auto updated = scheduler_.Update(kOrg, changed->id(), 0, details);
    ASSERT_TRUE(updated.ok()) << updated.status();
    EXPECT_EQ(updated->start_unix_ms(), changed->start_unix_ms());
    EXPECT_EQ(updated->end_unix_ms(), changed->end_unix_ms());
    auto ics = scheduler_.EventCalendar(kOrg, changed->id());
    ASSERT_TRUE(ics.ok()) << ics.status();
    auto cal = ParseIcs(ics->content());
    ASSERT_TRUE(cal.ok()) << cal.status();
    ASSERT_EQ(cal->Children("VEVENT").size(), 1u);
    EXPECT_NE(cal->Children("VEVENT")[0]->FindProperty("DTEND"), nullptr);
  }
}

TEST_F(SeriesTest, BadRulesAndTemplatesAreRefused) {
  auto rule = Weekly();
  rule.set_count(0);
  auto r = scheduler_.CreateSeries(kOrg, FirstTuesday(), rule);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("rule"));
  auto d = FirstTuesday();
  d.set_capacity(0);
  r = scheduler_.CreateSeries(kOrg, d, Weekly());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("template.capacity"));
  d = FirstTuesday();
  d.mutable_registration_closes()->set_value("2026-03-17T09:00");
  r = scheduler_.CreateSeries(kOrg, d, Weekly());
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("template.registration_closes"));
  EXPECT_TRUE(store_.Emitted().empty());
  EXPECT_EQ(scheduler_.GetSeries(kOrg, "se_nope").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace events::scheduling
