// The join link never reaches anything the public can read, wherever an organiser pasted it:
// every public read of events stored with the link in every text field, and the write-time
// refusal that keeps new copies out.
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/util/clock.h"
#include "common/util/ids.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/scheduling/domain/event_messages.h"
#include "services/scheduling/domain/ics_parse.h"
#include "services/scheduling/domain/scheduler.h"
#include "services/scheduling/store/fake_event_store.h"
#include "tests/scheduling/test_events.h"

namespace events::scheduling {
namespace {

using ::testing::HasSubstr;
using testing::kNow;
using ::testing::Not;
using testing::Webinar;

constexpr char kOrg[] = "org_riverside";
constexpr char kOtherOrg[] = "org_elsewhere";
constexpr char kLink[] = "https://meet.example.org/room/secret-7f3a9c?pwd=Abc123";
constexpr char kSecret[] = "secret-7f3a9c";  // what identifies the room in every form

// The forms organisers paste, one per field so each field is checked with a different one.
const std::vector<std::string>& Copies() {
  static const std::vector<std::string> kCopies = {
      kLink,
      "https://meet.example.org/room/secret-7f3a9c",
      "HTTPS://Meet.Example.ORG/room/secret-7f3a9c/",
      "https://meet.example.org/room/secret-7f3a9c#start",
      "meet.example.org/room/secret-7f3a9c",
  };
  return kCopies;
}

std::string Pasted(int i) {
  return "Join: " + Copies()[static_cast<size_t>(i) % Copies().size()] + " (any time)";
}

// Hybrid details with the link in every free-text field.
events::v1::EventDetails LeakyDetails() {
  events::v1::EventDetails d = Webinar();
  d.set_join_link(kLink);
  d.set_format(events::v1::EVENT_FORMAT_HYBRID);
  int i = 0;
  d.set_title(Pasted(i++));
  d.set_description(Pasted(i++));
  d.mutable_venue()->set_name(Pasted(i++));
  d.mutable_venue()->set_address(Pasted(i++));
  d.mutable_venue()->set_postcode(Pasted(i++));
  d.mutable_venue()->set_access_information(Pasted(i++));
  d.mutable_accessibility()->mutable_provisions(0)->set_note(Pasted(i++));
  d.mutable_organiser_contact()->set_name(Pasted(i++));
  return d;
}

void AddLeakyAgenda(events::v1::Event& e) {
  auto* s = e.add_agenda();
  s->set_id("ses_1");
  s->set_title(Pasted(0));
  s->set_description(Pasted(1));
  auto* speaker = s->add_speakers();
  speaker->set_name(Pasted(2));
  speaker->set_bio(Pasted(3));
  speaker->set_role(events::v1::SPEAKER_ROLE_LIVED_EXPERIENCE_CO_FACILITATOR);
}

void ExpectNoLink(const std::string& what, const std::string& output) {
  EXPECT_THAT(absl::AsciiStrToLower(output), Not(HasSubstr(kSecret))) << what << ":\n" << output;
}

class JoinLinkTest : public ::testing::Test {
 protected:
  // A series of two published occurrences (the second cancelled), stored as data written
  // before the write-time check existed: the link in every text field of the template and of
  // both occurrences, their agendas and the cancellation reason.
  void StoreLeakySeries() {
    series_.set_id("se_01JAAAAAAAAAAAAAAAAAAAAAAA");
    series_.set_org_id(kOrg);
    series_.mutable_rule()->set_frequency(events::v1::FREQUENCY_WEEKLY);
    series_.mutable_rule()->set_count(2);
    *series_.mutable_template_() = LeakyDetails();
    std::vector<EventWrite> writes;
    for (int i = 0; i < 2; ++i) {
      events::v1::Event e;
      e.set_id(absl::StrCat("ev_01JAAAAAAAAAAAAAAAAAAAAAAA-00", i + 1));
      e.set_org_id(kOrg);
      e.set_version(1);
      e.set_status(i == 0 ? events::v1::EVENT_STATUS_PUBLISHED
                          : events::v1::EVENT_STATUS_CANCELLED);
      *e.mutable_details() = LeakyDetails();
      e.set_start_unix_ms(kNow + (i + 1) * testing::kDay);
      e.set_end_unix_ms(e.start_unix_ms() + 3600000);
      e.set_series_id(series_.id());
      if (i == 1) e.set_cancellation_reason(Pasted(4));
      AddLeakyAgenda(e);
      series_.add_event_ids(e.id());
      EventWrite write;
      write.event = std::move(e);
      writes.push_back(std::move(write));
    }
    ASSERT_TRUE(store_.Apply(writes, series_).ok());
  }

  FakeClock clock_{kNow};
  IdGenerator ids_{clock_};
  FakeEventStore store_;
  Scheduler scheduler_{store_, clock_, ids_};
  events::v1::Series series_;
};

TEST_F(JoinLinkTest, NoPublicReadShowsALinkStoredInAnyTextField) {
  StoreLeakySeries();
  for (const std::string& viewer : {std::string(), std::string(kOtherOrg)}) {
    for (const std::string& id : series_.event_ids()) {
      auto event = scheduler_.Get(viewer, id);
      ASSERT_TRUE(event.ok()) << event.status();
      ExpectNoLink("GetEvent " + id, event->DebugString());
      EXPECT_THAT(event->details().title(), HasSubstr("(join link sent to registered attendees)"));
    }
    auto series = scheduler_.GetSeries(viewer, series_.id());
    ASSERT_TRUE(series.ok()) << series.status();
    ExpectNoLink("GetSeries", series->DebugString());
  }
  auto upcoming = scheduler_.ListUpcoming(0, 0, {});
  ASSERT_TRUE(upcoming.ok()) << upcoming.status();
  ASSERT_EQ(upcoming->events.size(), 1u);
  ExpectNoLink("ListUpcomingEvents", upcoming->events[0].DebugString());

  // Calendar files are public whoever asks: the organiser's copy gets forwarded too.
  for (const std::string& viewer : {std::string(), std::string(kOrg)}) {
    for (const std::string& id : series_.event_ids()) {
      auto ics = scheduler_.EventCalendar(viewer, id);
      ASSERT_TRUE(ics.ok()) << ics.status();
      ExpectNoLink("event calendar for '" + viewer + "'", ics->content());
      ASSERT_TRUE(ParseIcs(ics->content()).ok());
    }
    auto ics = scheduler_.SeriesCalendar(viewer, series_.id());
    ASSERT_TRUE(ics.ok()) << ics.status();
    ExpectNoLink("series calendar for '" + viewer + "'", ics->content());
    auto cal = ParseIcs(ics->content());
    ASSERT_TRUE(cal.ok()) << cal.status();
    EXPECT_THAT(*cal->FindProperty("X-WR-CALNAME"),
                HasSubstr("(join link sent to registered attendees)"));
  }
  // The organiser's own view still has everything as written.
  auto own = scheduler_.Get(kOrg, series_.event_ids(0));
  ASSERT_TRUE(own.ok());
  EXPECT_EQ(own->details().join_link(), kLink);
  EXPECT_EQ(own->details().title(), Pasted(0));
}

TEST_F(JoinLinkTest, DomainEventReasonsLoseTheLink) {
  events::v1::Event e;
  e.set_id("ev_1");
  *e.mutable_details() = Webinar();
  e.mutable_details()->set_join_link(kLink);
  for (const std::string& copy : Copies()) {
    events::v1::DomainEvent de =
        MakeEventChanged(kEventCancelled, e, ids_, kNow, 0, "now at " + copy + ", sorry");
    events::v1::EventChanged data;
    ASSERT_TRUE(data.ParseFromString(de.data()));
    ExpectNoLink("event.cancelled reason", data.reason());
    EXPECT_EQ(data.reason(), "now at (join link sent to registered attendees), sorry");
  }
}

TEST_F(JoinLinkTest, WritesWithTheLinkInPublicTextAreRefusedNamingTheField) {
  struct Case {
    std::string field;
    std::function<void(events::v1::EventDetails&)> paste;
  };
  const std::vector<Case> cases = {
      {"details.title", [](auto& d) { d.set_title(Pasted(0)); }},
      {"details.description", [](auto& d) { d.set_description(Pasted(1)); }},
      {"details.venue.access_information",
       [](auto& d) { d.mutable_venue()->set_access_information(Pasted(2)); }},
      {"details.accessibility.provisions[1].note",
       [](auto& d) { d.mutable_accessibility()->mutable_provisions(1)->set_note(Pasted(3)); }},
      {"details.organiser_contact.name",
       [](auto& d) { d.mutable_organiser_contact()->set_name(Pasted(4)); }},
  };
  for (const Case& c : cases) {
    events::v1::EventDetails d = Webinar();
    d.set_format(events::v1::EVENT_FORMAT_HYBRID);
    d.mutable_venue()->set_name("Town Hall");
    d.mutable_venue()->set_address("1 High Street");
    d.set_join_link(kLink);
    c.paste(d);
    auto created = scheduler_.Create(kOrg, d);
    EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_THAT(std::string(created.status().message()), HasSubstr(c.field + " contains"));
    EXPECT_THAT(std::string(created.status().message()), Not(HasSubstr(kSecret)));
  }
  EXPECT_TRUE(store_.Emitted().empty());

  // Agenda, reasons and series templates are checked the same way.
  events::v1::EventDetails d = Webinar();
  d.set_join_link(kLink);
  auto event = scheduler_.Create(kOrg, d);
  ASSERT_TRUE(event.ok()) << event.status();
  events::v1::AgendaSession session;
  session.set_title("Welcome");
  session.mutable_start()->set_value("2026-03-10T10:00");
  session.mutable_end()->set_value("2026-03-10T10:30");
  auto* speaker = session.add_speakers();
  speaker->set_name("Ali");
  speaker->set_role(events::v1::SPEAKER_ROLE_HOST);
  speaker->set_bio(Pasted(2));
  auto agenda = scheduler_.SetAgenda(kOrg, event->id(), 0, {session});
  EXPECT_THAT(std::string(agenda.status().message()),
              HasSubstr("sessions[0].speakers[0].bio contains"));
  auto cancel = scheduler_.Cancel(kOrg, event->id(), 0, Pasted(3));
  EXPECT_EQ(cancel.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(cancel.status().message()), HasSubstr("reason contains"));
  ASSERT_TRUE(scheduler_.Publish(kOrg, event->id(), 0).ok());
  auto moved = scheduler_.Reschedule(kOrg, event->id(), 0, d.start(), d.end(), "", Pasted(1));
  EXPECT_THAT(std::string(moved.status().message()), HasSubstr("reason contains"));
  // Changing the link to one already in the text is refused as well.
  events::v1::EventDetails relinked = d;
  relinked.set_description("Our room: https://meet.example.org/room/other");
  ASSERT_TRUE(scheduler_.Update(kOrg, event->id(), 0, relinked).ok());
  relinked.set_join_link("https://meet.example.org/room/other?pwd=1");
  EXPECT_THAT(std::string(scheduler_.Update(kOrg, event->id(), 0, relinked).status().message()),
              HasSubstr("details.description contains"));

  events::v1::RecurrenceRule rule;
  rule.set_frequency(events::v1::FREQUENCY_WEEKLY);
  rule.set_count(2);
  events::v1::EventDetails first = Webinar();
  first.set_join_link(kLink);
  auto series = scheduler_.CreateSeries(kOrg, first, rule);
  ASSERT_TRUE(series.ok()) << series.status();
  auto cancel_series = scheduler_.CancelSeries(kOrg, series->id(), Pasted(0));
  EXPECT_THAT(std::string(cancel_series.status().message()), HasSubstr("reason contains"));
  first.set_description(Pasted(1));
  EXPECT_THAT(std::string(scheduler_.CreateSeries(kOrg, first, rule).status().message()),
              HasSubstr("template.description contains"));
}

}  // namespace
}  // namespace events::scheduling
