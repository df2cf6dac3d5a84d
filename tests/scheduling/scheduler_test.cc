#include "services/scheduling/domain/scheduler.h"

#include "common/util/clock.h"
#include "common/util/ids.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/scheduling/store/fake_event_store.h"
#include "tests/scheduling/test_events.h"

namespace events::scheduling {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::kDay;
using testing::kMinute;
using testing::kNow;
using testing::Webinar;
using testing::Workshop;

constexpr char kOrg[] = "org_riverside";
constexpr char kOtherOrg[] = "org_elsewhere";

class SchedulerTest : public ::testing::Test {
 protected:
  events::v1::Event MustCreate(const events::v1::EventDetails& d = Webinar()) {
    auto e = scheduler_.Create(kOrg, d);
    EXPECT_TRUE(e.ok()) << e.status();
    return e.value_or(events::v1::Event());
  }
  std::vector<std::string> EmittedTypes() {
    std::vector<std::string> types;
    for (const auto& e : store_.Emitted()) types.push_back(e.type());
    return types;
  }
  events::v1::EventChanged LastChange() {
    events::v1::EventChanged c;
    c.ParseFromString(store_.Emitted().back().data());
    return c;
  }

  FakeClock clock_{kNow};
  IdGenerator ids_{clock_};
  FakeEventStore store_;
  Scheduler scheduler_{store_, clock_, ids_};
};

TEST_F(SchedulerTest, CreateMakesAVersionedDraftAndEmitsCreated) {
  auto e = MustCreate();
  EXPECT_TRUE(IsWellFormedId(e.id(), "ev"));
  EXPECT_EQ(e.org_id(), kOrg);
  EXPECT_EQ(e.status(), events::v1::EVENT_STATUS_DRAFT);
  EXPECT_EQ(e.version(), 1);
  EXPECT_EQ(e.start_unix_ms(), 1773136800000);
  EXPECT_EQ(e.start_rfc3339(), "2026-03-10T10:00:00+00:00");
  EXPECT_THAT(EmittedTypes(), ElementsAre("event.created"));
  EXPECT_EQ(store_.Emitted()[0].subject(), e.id());
  EXPECT_EQ(store_.Emitted()[0].org_id(), kOrg);
  EXPECT_TRUE(store_.PendingJobs().empty());  // drafts have no reminders
}

TEST_F(SchedulerTest, CreateRefusesBadInputAndStoresNothing) {
  auto d = Webinar();
  d.set_time_zone("Europe/Londres");
  auto e = scheduler_.Create(kOrg, d);
  EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(e.status().message()), HasSubstr("details.time_zone"));
  EXPECT_TRUE(store_.Emitted().empty());
}

TEST_F(SchedulerTest, PublishSchedulesDefaultRemindersAndOpensRegistration) {
  auto e = MustCreate();
  auto p = scheduler_.Publish(kOrg, e.id(), e.version());
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->status(), events::v1::EVENT_STATUS_PUBLISHED);
  EXPECT_EQ(p->version(), 2);
  EXPECT_EQ(p->registration_opens_unix_ms(), kNow);
  EXPECT_THAT(EmittedTypes(), ElementsAre("event.created", "event.published"));
  auto jobs = store_.PendingJobs();
  ASSERT_EQ(jobs.size(), 3u);
  std::vector<int64_t> due;
  due.reserve(jobs.size());
  for (const auto& [id, job] : jobs) due.push_back(job.due_unix_ms);
  std::sort(due.begin(), due.end());
  EXPECT_THAT(due, ElementsAre(p->start_unix_ms() - 7 * kDay, p->start_unix_ms() - kDay,
                               p->start_unix_ms() - 60 * kMinute));
}

TEST_F(SchedulerTest, RemindersAlreadyPastAreNotScheduled) {
  auto d = Webinar();
  d.mutable_start()->set_value("2026-01-17T10:00");  // two days ahead
  d.mutable_end()->set_value("2026-01-17T11:00");
  auto e = MustCreate(d);
  ASSERT_TRUE(scheduler_.Publish(kOrg, e.id(), 0).ok());
  EXPECT_EQ(store_.PendingJobs().size(), 2u);  // 1 day and 1 hour; 7 days has passed
}

TEST_F(SchedulerTest, RescheduleMovesTimeRemindersAndAgendaAndRaisesSequence) {
  auto e = MustCreate();
  events::v1::AgendaSession s;
  s.set_title("Welcome");
  s.mutable_start()->set_value("2026-03-10T10:00");
  s.mutable_end()->set_value("2026-03-10T10:15");
  ASSERT_TRUE(scheduler_.SetAgenda(kOrg, e.id(), 0, {s}).ok());
  ASSERT_TRUE(scheduler_.Publish(kOrg, e.id(), 0).ok());
  auto old_jobs = store_.PendingJobs();

  events::v1::LocalDateTime start, end;
  start.set_value("2026-04-14T10:00");  // now BST
  end.set_value("2026-04-14T11:30");
  auto r = scheduler_.Reschedule(kOrg, e.id(), 0, start, end, "", "Speaker unwell");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->sequence(), 1);
  EXPECT_EQ(r->start_unix_ms(), 1776157200000);  // 2026-04-14T09:00Z
  EXPECT_EQ(r->start_rfc3339(), "2026-04-14T10:00:00+01:00");
  ASSERT_EQ(r->agenda_size(), 1);
  EXPECT_EQ(r->agenda(0).start().value(), "2026-04-14T10:00");
  EXPECT_EQ(r->agenda(0).start_unix_ms(), r->start_unix_ms());
  auto c = LastChange();
  EXPECT_EQ(store_.Emitted().back().type(), "event.rescheduled");
  EXPECT_EQ(c.previous_start_unix_ms(), 1773136800000);
  EXPECT_EQ(c.reason(), "Speaker unwell");
  auto jobs = store_.PendingJobs();
  ASSERT_EQ(jobs.size(), 3u);
  for (const auto& [id, job] : jobs) {
    EXPECT_EQ(old_jobs.count(id), 0u) << "old reminder " << id << " was not replaced";
    EXPECT_GT(job.due_unix_ms, 1773136800000);
  }
}

TEST_F(SchedulerTest, RescheduleRefusesBadTimes) {
  auto e = MustCreate();
  ASSERT_TRUE(scheduler_.Publish(kOrg, e.id(), 0).ok());
  events::v1::LocalDateTime start, end;
  start.set_value("2026-03-29T01:15");
  end.set_value("2026-03-29T03:00");
  auto gap = scheduler_.Reschedule(kOrg, e.id(), 0, start, end, "", "");
  EXPECT_EQ(gap.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(gap.status().message()), HasSubstr("new_start"));
  start.set_value("2026-04-14T10:00");
  end.set_value("2026-04-14T09:00");
  EXPECT_THAT(
      std::string(scheduler_.Reschedule(kOrg, e.id(), 0, start, end, "", "").status().message()),
      HasSubstr("new_end must be after new_start"));
  end.set_value("2026-04-14T11:00");
  EXPECT_THAT(std::string(scheduler_.Reschedule(kOrg, e.id(), 0, start, end, "Nowhere/City", "")
                              .status()
                              .message()),
              HasSubstr("time_zone"));
  EXPECT_EQ(LastChange().status(), events::v1::EVENT_STATUS_PUBLISHED);  // nothing changed
}

TEST_F(SchedulerTest, RescheduleIntoAnotherZone) {
  auto e = MustCreate();
  ASSERT_TRUE(scheduler_.Publish(kOrg, e.id(), 0).ok());
  events::v1::LocalDateTime start, end;
  start.set_value("2026-03-10T15:30");
  end.set_value("2026-03-10T17:00");
  auto r = scheduler_.Reschedule(kOrg, e.id(), 0, start, end, "Asia/Kolkata", "");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->start_unix_ms(), 1773136800000);  // 15:30 IST is 10:00Z
  EXPECT_EQ(r->details().time_zone(), "Asia/Kolkata");
}

TEST_F(SchedulerTest, CancelRemovesRemindersAndRecordsTheReason) {
  auto e = MustCreate();
  ASSERT_TRUE(scheduler_.Publish(kOrg, e.id(), 0).ok());
  auto c = scheduler_.Cancel(kOrg, e.id(), 0, "Venue closed");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->status(), events::v1::EVENT_STATUS_CANCELLED);
  EXPECT_EQ(c->sequence(), 1);
  EXPECT_EQ(c->cancellation_reason(), "Venue closed");
  EXPECT_TRUE(store_.PendingJobs().empty());
  EXPECT_THAT(EmittedTypes(), ElementsAre("event.created", "event.published", "event.cancelled"));
  // Nothing changes a cancelled event any more.
  EXPECT_EQ(scheduler_.Publish(kOrg, e.id(), 0).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(scheduler_.Cancel(kOrg, e.id(), 0, "").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(SchedulerTest, CompleteOnlyAfterTheEnd) {
  auto e = MustCreate();
  ASSERT_TRUE(scheduler_.Publish(kOrg, e.id(), 0).ok());
  auto early = scheduler_.Complete(kOrg, e.id(), 0);
  EXPECT_EQ(early.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(early.status().message()), HasSubstr("before it ends"));
  clock_.Set(e.end_unix_ms());
  auto done = scheduler_.Complete(kOrg, e.id(), 0);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->status(), events::v1::EVENT_STATUS_COMPLETED);
  EXPECT_EQ(store_.Emitted().back().type(), "event.completed");
}

TEST_F(SchedulerTest, UpdateChangesDetailsButNotAPublishedEventsTime) {
  auto e = MustCreate();
  auto d = Webinar();
  d.set_title("Living well: a webinar");
  d.mutable_start()->set_value("2026-03-11T10:00");
  d.mutable_end()->set_value("2026-03-11T11:00");
  auto u = scheduler_.Update(kOrg, e.id(), 1, d);  // a draft's time may change
  ASSERT_TRUE(u.ok()) << u.status();
  EXPECT_EQ(u->details().title(), "Living well: a webinar");
  EXPECT_EQ(u->version(), 2);
  ASSERT_TRUE(scheduler_.Publish(kOrg, e.id(), 2).ok());
  d.mutable_start()->set_value("2026-03-12T10:00");
  d.mutable_end()->set_value("2026-03-12T11:00");
  auto refused = scheduler_.Update(kOrg, e.id(), 3, d);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("RescheduleEvent"));
  d.mutable_start()->set_value("2026-03-11T10:00");
  d.mutable_end()->set_value("2026-03-11T11:00");
  d.set_capacity(300);
  auto ok = scheduler_.Update(kOrg, e.id(), 3, d);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->details().capacity(), 300);
  EXPECT_EQ(store_.Emitted().back().type(), "event.updated");
  EXPECT_EQ(LastChange().capacity(), 300);
}

// Scheduling knows neither pools nor registrations, so any capacity in 1..100,000 is taken
// and announced; registration holds its invariant for whatever capacity arrives
// (docs/scheduling.md, "Capacity").
TEST_F(SchedulerTest, LoweringCapacityOfAPublishedEventIsAcceptedAndAnnounced) {
  auto e = MustCreate();
  ASSERT_TRUE(scheduler_.Publish(kOrg, e.id(), 0).ok());
  auto d = Webinar();
  d.set_capacity(1);
  auto lowered = scheduler_.Update(kOrg, e.id(), 0, d);
  ASSERT_TRUE(lowered.ok()) << lowered.status();
  EXPECT_EQ(store_.Emitted().back().type(), "event.updated");
  EXPECT_EQ(LastChange().capacity(), 1);
  d.set_capacity(0);
  EXPECT_THAT(std::string(scheduler_.Update(kOrg, e.id(), 0, d).status().message()),
              HasSubstr("details.capacity must be between 1 and 100000"));
}

TEST_F(SchedulerTest, StaleExpectedVersionIsAborted) {
  auto e = MustCreate();
  ASSERT_TRUE(scheduler_.Publish(kOrg, e.id(), 1).ok());
  auto stale = scheduler_.Cancel(kOrg, e.id(), 1, "");
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(stale.status().message()), HasSubstr("version 2, not 1"));
  EXPECT_EQ(scheduler_.Publish(kOrg, e.id(), -1).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(SchedulerTest, AnotherOrganisationsEventLooksMissing) {
  auto e = MustCreate();
  auto other = scheduler_.Publish(kOtherOrg, e.id(), 0);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(scheduler_.Get(kOtherOrg, e.id()).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(scheduler_.Get("", e.id()).status().code(), absl::StatusCode::kNotFound);  // a draft
}

TEST_F(SchedulerTest, UnknownAndMalformedIds) {
  EXPECT_EQ(scheduler_.Get(kOrg, "ev_01KAAAAAAAAAAAAAAAAAAAAAAA").status().code(),
            absl::StatusCode::kNotFound);
  auto bad = scheduler_.Publish(kOrg, "42", 0);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("event_id"));
  EXPECT_EQ(scheduler_.Get("", "").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(SchedulerTest, PublicViewHidesTheJoinLink) {
  auto e = MustCreate();
  ASSERT_TRUE(scheduler_.Publish(kOrg, e.id(), 0).ok());
  auto pub = scheduler_.Get("", e.id());
  ASSERT_TRUE(pub.ok()) << pub.status();
  EXPECT_TRUE(pub->details().join_link().empty());
  EXPECT_EQ(pub->details().title(), Webinar().title());
  auto own = scheduler_.Get(kOrg, e.id());
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->details().join_link(), Webinar().join_link());
  auto other = scheduler_.Get(kOtherOrg, e.id());
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->details().join_link().empty());
}

// A co-facilitator's bio is published; an address or number typed into it is not: the
// public view (anyone, another organisation, the upcoming list) reads it redacted, the
// organiser's own view keeps it as written (docs/scheduling.md).
TEST_F(SchedulerTest, PublicViewRedactsContactDetailsInSpeakerBios) {
  const std::string bio =
      "Jo co-runs the peer group. Reach her at jo.lee@example.org or on 07700 900123.";
  const std::string redacted =
      "Jo co-runs the peer group. Reach her at [email removed] or on [phone removed].";
  auto e = MustCreate();
  events::v1::AgendaSession session;
  session.set_title("Living with it");
  session.mutable_start()->set_value("2026-03-10T10:00");
  session.mutable_end()->set_value("2026-03-10T10:30");
  auto* speaker = session.add_speakers();
  speaker->set_name("Jo Lee");
  speaker->set_role(events::v1::SPEAKER_ROLE_LIVED_EXPERIENCE_CO_FACILITATOR);
  speaker->set_bio(bio);
  ASSERT_TRUE(scheduler_.SetAgenda(kOrg, e.id(), 0, {session}).ok());
  ASSERT_TRUE(scheduler_.Publish(kOrg, e.id(), 0).ok());

  for (const std::string viewer : {"", kOtherOrg}) {
    auto pub = scheduler_.Get(viewer, e.id());
    ASSERT_TRUE(pub.ok()) << pub.status();
    ASSERT_EQ(pub->agenda_size(), 1);
    EXPECT_EQ(pub->agenda(0).speakers(0).bio(), redacted) << "viewer " << viewer;
    EXPECT_EQ(pub->agenda(0).speakers(0).name(), "Jo Lee");
  }
  auto upcoming = scheduler_.ListUpcoming(0, 0, {});
  ASSERT_TRUE(upcoming.ok()) << upcoming.status();
  ASSERT_EQ(upcoming->events.size(), 1u);
  EXPECT_EQ(upcoming->events[0].agenda(0).speakers(0).bio(), redacted);
  // The organiser's own view, and its list, keep the bio as written.
  auto own = scheduler_.Get(kOrg, e.id());
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->agenda(0).speakers(0).bio(), bio);
  auto listed = scheduler_.ListOrganisation(kOrg, events::v1::EVENT_STATUS_UNSPECIFIED, {});
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->events.size(), 1u);
  EXPECT_EQ(listed->events[0].agenda(0).speakers(0).bio(), bio);
}

TEST_F(SchedulerTest, ListUpcomingPagesThroughPublishedEventsSoonestFirst) {
  std::vector<std::string> published;
  for (int day = 20; day >= 11; --day) {
    auto d = Webinar();
    d.mutable_start()->set_value("2026-03-" + std::to_string(day) + "T10:00");
    d.mutable_end()->set_value("2026-03-" + std::to_string(day) + "T11:00");
    auto e = MustCreate(d);
    if (day % 3 != 0) {
      ASSERT_TRUE(scheduler_.Publish(kOrg, e.id(), 0).ok());
      published.insert(published.begin(), e.id());
    }
  }
  MustCreate();  // a draft never shows
  std::vector<std::string> seen;
  events::v1::PageRequest page;
  page.set_page_size(3);
  for (int guard = 0; guard < 10; ++guard) {
    auto result = scheduler_.ListUpcoming(0, 0, page);
    ASSERT_TRUE(result.ok()) << result.status();
    for (const auto& e : result->events) {
      seen.push_back(e.id());
      EXPECT_TRUE(e.details().join_link().empty());
    }
    if (result->next_page_token.empty()) break;
    page.set_page_token(result->next_page_token);
  }
  EXPECT_EQ(seen, published);
  // A time range.
  auto range = scheduler_.ListUpcoming(1773619200000 /* 03-16 */, 1773792000000 /* 03-18 */, {});
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->events.size(), 2u);  // the 16th and 17th; the 18th is a draft (18 % 3 == 0)
}

TEST_F(SchedulerTest, ListingRefusesBadPagingAndRanges) {
  events::v1::PageRequest page;
  page.set_page_size(101);
  EXPECT_THAT(std::string(scheduler_.ListUpcoming(0, 0, page).status().message()),
              HasSubstr("page.page_size"));
  page.set_page_size(10);
  page.set_page_token("not-a-token");
  EXPECT_THAT(std::string(scheduler_.ListUpcoming(0, 0, page).status().message()),
              HasSubstr("page.page_token"));
  EXPECT_THAT(std::string(scheduler_.ListUpcoming(kNow + 10, kNow, {}).status().message()),
              HasSubstr("to_unix_ms"));
  EXPECT_EQ(scheduler_.ListUpcoming(-1, 0, {}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(SchedulerTest, OrganisationListingFiltersByStatus) {
  auto a = MustCreate();
  auto b = MustCreate(Workshop());
  ASSERT_TRUE(scheduler_.Publish(kOrg, b.id(), 0).ok());
  auto drafts = scheduler_.ListOrganisation(kOrg, events::v1::EVENT_STATUS_DRAFT, {});
  ASSERT_TRUE(drafts.ok());
  ASSERT_EQ(drafts->events.size(), 1u);
  EXPECT_EQ(drafts->events[0].id(), a.id());
  auto all = scheduler_.ListOrganisation(kOrg, events::v1::EVENT_STATUS_UNSPECIFIED, {});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->events.size(), 2u);
  EXPECT_EQ(all->events[1].details().join_link(), "");  // the workshop has none
  auto other = scheduler_.ListOrganisation(kOtherOrg, events::v1::EVENT_STATUS_UNSPECIFIED, {});
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->events.empty());
}

TEST_F(SchedulerTest, CalendarOfAPublishedEventHasNoJoinLink) {
  auto e = MustCreate();
  ASSERT_TRUE(scheduler_.Publish(kOrg, e.id(), 0).ok());
  auto ics = scheduler_.EventCalendar("", e.id());
  ASSERT_TRUE(ics.ok()) << ics.status();
  EXPECT_EQ(ics->filename(), e.id() + ".ics");
  EXPECT_THAT(ics->content(), HasSubstr("BEGIN:VCALENDAR"));
  EXPECT_THAT(ics->content(), HasSubstr("UID:" + e.id() + "@"));
  EXPECT_EQ(ics->content().find("meet.example.org"), std::string::npos);
  EXPECT_EQ(scheduler_.EventCalendar("", MustCreate().id()).status().code(),
            absl::StatusCode::kNotFound);  // drafts are private
}

}  // namespace
}  // namespace events::scheduling
