#include "services/scheduling/domain/event_rules.h"

#include <functional>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/scheduling/test_events.h"

namespace events::scheduling {
namespace {

using ::testing::HasSubstr;
using testing::kNow;
using testing::Webinar;
using testing::Workshop;

// Expects INVALID_ARGUMENT whose message contains every fragment.
void ExpectInvalid(const events::v1::EventDetails& d, const std::vector<std::string>& fragments) {
  auto result = ValidateDetails(d, "details", kNow);
  ASSERT_FALSE(result.ok()) << "expected a refusal for " << d.ShortDebugString();
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << result.status();
  for (const auto& f : fragments) {
    EXPECT_THAT(std::string(result.status().message()), HasSubstr(f));
  }
}

events::v1::EventDetails With(const std::function<void(events::v1::EventDetails&)>& change,
                              events::v1::EventDetails d = Webinar()) {
  change(d);
  return d;
}

TEST(EventRulesTest, ValidWebinarResolvesTimesInItsZone) {
  auto t = ValidateDetails(Webinar(), "details", kNow);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->start_unix_ms, 1773136800000);  // 2026-03-10T10:00Z (GMT)
  EXPECT_EQ(t->end_unix_ms, 1773136800000 + 90 * testing::kMinute);
  EXPECT_EQ(t->registration_opens_unix_ms, 0);  // opens when published
  EXPECT_EQ(t->registration_closes_unix_ms, t->start_unix_ms);
}

TEST(EventRulesTest, ValidWorkshopInSummerTime) {
  auto t = ValidateDetails(Workshop(), "details", kNow);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->start_unix_ms, 1775131200000);  // 2026-04-02T12:00Z (BST)
}

TEST(EventRulesTest, TitleIsRequiredAndLimited) {
  ExpectInvalid(With([](auto& d) { d.set_title(""); }), {"details.title", "required"});
  ExpectInvalid(With([](auto& d) { d.set_title("   "); }), {"details.title", "required"});
  ExpectInvalid(With([](auto& d) { d.set_title(std::string(201, 'x')); }),
                {"details.title", "at most 200"});
  ExpectInvalid(With([](auto& d) { d.set_title("two\nlines"); }), {"details.title", "one line"});
  ExpectInvalid(With([](auto& d) { d.set_title("bad \xff utf8"); }), {"details.title", "UTF-8"});
  // 200 characters of multi-byte text is fine: limits count characters, not bytes.
  std::string accents;
  for (int i = 0; i < 200; ++i) accents += "\xc3\xa9";
  EXPECT_TRUE(ValidateDetails(With([&](auto& d) { d.set_title(accents); }), "details", kNow).ok());
}

TEST(EventRulesTest, DescriptionIsLimited) {
  ExpectInvalid(With([](auto& d) { d.set_description(std::string(5001, 'x')); }),
                {"details.description", "at most 5000"});
}

TEST(EventRulesTest, FormatIsRequired) {
  ExpectInvalid(With([](auto& d) { d.set_format(events::v1::EVENT_FORMAT_UNSPECIFIED); }),
                {"details.format", "required"});
}

TEST(EventRulesTest, TimeZoneMustBeIana) {
  ExpectInvalid(With([](auto& d) { d.set_time_zone(""); }), {"details.time_zone", "required"});
  ExpectInvalid(With([](auto& d) { d.set_time_zone("Mars/Olympus"); }),
                {"details.time_zone", "Mars/Olympus"});
  ExpectInvalid(With([](auto& d) { d.set_time_zone("GMT+25"); }), {"details.time_zone"});
}

TEST(EventRulesTest, StartAndEndAreRequiredWellFormedAndOrdered) {
  ExpectInvalid(With([](auto& d) { d.clear_start(); }), {"details.start", "required"});
  ExpectInvalid(With([](auto& d) { d.clear_end(); }), {"details.end", "required"});
  ExpectInvalid(With([](auto& d) { d.mutable_start()->set_value("10/03/2026 10:00"); }),
                {"details.start"});
  ExpectInvalid(With([](auto& d) { d.mutable_start()->set_value("2026-02-30T10:00"); }),
                {"details.start"});
  ExpectInvalid(With([](auto& d) { d.mutable_end()->set_value("2026-03-10T09:00"); }),
                {"details.end", "after"});
  ExpectInvalid(With([](auto& d) { d.mutable_end()->set_value("2026-03-10T10:00"); }),
                {"details.end", "after"});
  ExpectInvalid(With([](auto& d) { d.mutable_end()->set_value("2026-03-30T10:00"); }),
                {"details.end", "14 days"});
}

TEST(EventRulesTest, StartInThePastIsRefused) {
  ExpectInvalid(With([](auto& d) {
                  d.mutable_start()->set_value("2026-01-10T10:00");
                  d.mutable_end()->set_value("2026-01-10T11:00");
                }),
                {"details.start", "past"});
}

TEST(EventRulesTest, NonexistentLocalTimeIsRefusedWithTheGap) {
  ExpectInvalid(With([](auto& d) {
                  d.mutable_start()->set_value("2026-03-29T01:30");
                  d.mutable_end()->set_value("2026-03-29T03:00");
                }),
                {"details.start", "does not exist", "Europe/London"});
}

TEST(EventRulesTest, AmbiguousLocalTimeTakesTheEarlierInstant) {
  auto t = ValidateDetails(With([](auto& d) {
                             d.mutable_start()->set_value("2026-10-25T01:30");
                             d.mutable_end()->set_value("2026-10-25T03:00");
                           }),
                           "details", kNow);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->start_unix_ms, 1792888200000);  // 2026-10-25T00:30Z, still BST
}

TEST(EventRulesTest, CapacityIsBounded) {
  ExpectInvalid(With([](auto& d) { d.set_capacity(0); }), {"details.capacity", "between 1"});
  ExpectInvalid(With([](auto& d) { d.set_capacity(-5); }), {"details.capacity"});
  ExpectInvalid(With([](auto& d) { d.set_capacity(100001); }), {"details.capacity"});
}

TEST(EventRulesTest, RegistrationWindowMustFitTheEvent) {
  ExpectInvalid(
      With([](auto& d) { d.mutable_registration_opens()->set_value("2026-03-11T10:00"); }),
      {"details.registration_opens", "before the start"});
  ExpectInvalid(
      With([](auto& d) { d.mutable_registration_closes()->set_value("2026-03-10T12:00"); }),
      {"details.registration_closes"});
  auto t = ValidateDetails(With([](auto& d) {
                             d.mutable_registration_opens()->set_value("2026-02-01T09:00");
                             d.mutable_registration_closes()->set_value("2026-03-10T10:30");
                           }),
                           "details", kNow);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->registration_closes_unix_ms, 1773136800000 + 30 * testing::kMinute);
}

TEST(EventRulesTest, JoinLinkMustBeHttpsAndOnlyOnline) {
  ExpectInvalid(With([](auto& d) { d.set_join_link("http://meet.example.org/x"); }),
                {"details.join_link", "https://"});
  ExpectInvalid(With([](auto& d) { d.set_join_link("https://meet.example.org/a b"); }),
                {"details.join_link"});
  ExpectInvalid(With([](auto& d) { d.set_join_link("https://" + std::string(2050, 'a')); }),
                {"details.join_link"});
  ExpectInvalid(With([](auto& d) { d.set_join_link("https://meet.example.org/x"); }, Workshop()),
                {"details.join_link", "online or hybrid"});
}

TEST(EventRulesTest, VenueRequiredInPersonAndRefusedOnline) {
  ExpectInvalid(With([](auto& d) { d.mutable_venue()->clear_name(); }, Workshop()),
                {"details.venue.name", "required"});
  ExpectInvalid(With([](auto& d) { d.mutable_venue()->clear_address(); }, Workshop()),
                {"details.venue.address", "required"});
  ExpectInvalid(With([](auto& d) { d.mutable_venue()->set_name("Hall"); }),
                {"details.venue", "in-person or hybrid"});
  ExpectInvalid(
      With([](auto& d) { d.mutable_venue()->set_access_information(std::string(2001, 'a')); },
           Workshop()),
      {"details.venue.access_information"});
}

TEST(EventRulesTest, AccessibilityOfferIsChecked) {
  ExpectInvalid(
      With([](auto& d) { d.mutable_accessibility()->mutable_provisions(0)->set_need("BSL!"); }),
      {"details.accessibility.provisions[0].need", "lower_snake_case"});
  // The code as sent is quoted on one line (a newline in it is shown as '?').
  const auto quoted = ValidateDetails(
      With([](auto& d) { d.mutable_accessibility()->mutable_provisions(0)->set_need("bsl\nx"); }),
      "details", kNow);
  EXPECT_EQ(quoted.status().message().find('\n'), std::string::npos) << quoted.status();
  EXPECT_THAT(std::string(quoted.status().message()), HasSubstr("need \"bsl?x\" is not"));
  // `eventctl events create --provision bsl:on-request`: well formed, but no need is "bsl".
  ExpectInvalid(
      With([](auto& d) { d.mutable_accessibility()->mutable_provisions(0)->set_need("bsl"); }),
      {"details.accessibility.provisions[0].need", "not in the accessibility catalogue",
       "did you mean \"bsl_interpreter\""});
  ExpectInvalid(With([](auto& d) {
                  d.mutable_accessibility()->mutable_provisions(1)->set_need("live_captions");
                }),
                {"provisions[1].need", "twice"});
  ExpectInvalid(With([](auto& d) {
                  d.mutable_accessibility()->mutable_provisions(0)->set_availability(
                      events::v1::PROVISION_AVAILABILITY_UNSPECIFIED);
                }),
                {"provisions[0].availability", "required"});
  ExpectInvalid(With([](auto& d) { d.mutable_accessibility()->set_request_deadline_days(91); }),
                {"request_deadline_days"});
}

TEST(EventRulesTest, ContactIsChecked) {
  ExpectInvalid(With([](auto& d) { d.mutable_organiser_contact()->set_email("not-an-email"); }),
                {"details.organiser_contact.email"});
  ExpectInvalid(With([](auto& d) { d.mutable_organiser_contact()->set_email("a@b"); }),
                {"organiser_contact.email"});
  ExpectInvalid(With([](auto& d) { d.mutable_organiser_contact()->set_phone("call me"); }),
                {"organiser_contact.phone"});
}

TEST(EventRulesTest, RemindersAreChecked) {
  ExpectInvalid(With([](auto& d) { d.mutable_reminders()->add_minutes_before(0); }),
                {"details.reminders.minutes_before", "between 1"});
  ExpectInvalid(With([](auto& d) {
                  d.mutable_reminders()->add_minutes_before(60);
                  d.mutable_reminders()->add_minutes_before(60);
                }),
                {"twice"});
  ExpectInvalid(With([](auto& d) {
                  d.mutable_reminders()->set_disabled(true);
                  d.mutable_reminders()->add_minutes_before(60);
                }),
                {"disabled"});
  events::v1::ReminderPolicy policy;
  EXPECT_EQ(ReminderMinutes(policy), (std::vector<int>{10080, 1440, 60}));
  policy.add_minutes_before(30);
  EXPECT_EQ(ReminderMinutes(policy), (std::vector<int>{30}));
  policy.Clear();
  policy.set_disabled(true);
  EXPECT_TRUE(ReminderMinutes(policy).empty());
}

TEST(EventRulesTest, PrefixNamesTheMessage) {
  auto d = Webinar();
  d.set_title("");
  auto r = ValidateDetails(d, "template", kNow);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("template.title"));
}

events::v1::Event ResolvedWebinar() {
  events::v1::Event e;
  e.set_id("ev_01KAAAAAAAAAAAAAAAAAAAAAAA");
  *e.mutable_details() = Webinar();
  e.set_start_unix_ms(1773136800000);
  e.set_end_unix_ms(1773136800000 + 90 * testing::kMinute);
  return e;
}

events::v1::AgendaSession Session(std::string title, std::string start, std::string end) {
  events::v1::AgendaSession s;
  s.set_title(std::move(title));
  s.mutable_start()->set_value(std::move(start));
  s.mutable_end()->set_value(std::move(end));
  auto* speaker = s.add_speakers();
  speaker->set_name("Alex");
  speaker->set_role(events::v1::SPEAKER_ROLE_LIVED_EXPERIENCE_CO_FACILITATOR);
  return s;
}

TEST(AgendaRulesTest, SessionsAreSortedGivenIdsAndResolved) {
  int n = 0;
  auto agenda = ValidateAgenda({Session("Panel", "2026-03-10T10:30", "2026-03-10T11:30"),
                                Session("Welcome", "2026-03-10T10:00", "2026-03-10T10:30")},
                               ResolvedWebinar(), [&] { return "s" + std::to_string(++n); });
  ASSERT_TRUE(agenda.ok()) << agenda.status();
  ASSERT_EQ(agenda->size(), 2u);
  EXPECT_EQ((*agenda)[0].title(), "Welcome");
  EXPECT_EQ((*agenda)[0].start_unix_ms(), 1773136800000);
  EXPECT_FALSE((*agenda)[0].id().empty());
}

TEST(AgendaRulesTest, SessionsOutsideTheEventOrBadlyFormedAreRefused) {
  auto id = [] { return std::string("s"); };
  auto outside = ValidateAgenda({Session("Late", "2026-03-10T11:00", "2026-03-10T12:00")},
                                ResolvedWebinar(), id);
  EXPECT_EQ(outside.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(outside.status().message()), HasSubstr("sessions[0]"));
  EXPECT_THAT(std::string(outside.status().message()), HasSubstr("inside the event"));

  auto s = Session("", "2026-03-10T10:00", "2026-03-10T10:30");
  EXPECT_THAT(std::string(ValidateAgenda({s}, ResolvedWebinar(), id).status().message()),
              HasSubstr("sessions[0].title"));
  s = Session("Talk", "2026-03-10T10:00", "2026-03-10T10:30");
  s.mutable_speakers(0)->set_role(events::v1::SPEAKER_ROLE_UNSPECIFIED);
  EXPECT_THAT(std::string(ValidateAgenda({s}, ResolvedWebinar(), id).status().message()),
              HasSubstr("sessions[0].speakers[0].role"));
  s = Session("Talk", "2026-03-10T10:30", "2026-03-10T10:00");
  EXPECT_THAT(std::string(ValidateAgenda({s}, ResolvedWebinar(), id).status().message()),
              HasSubstr("sessions[0].end"));
  auto a = Session("A", "2026-03-10T10:00", "2026-03-10T10:30");
  a.set_id("same");
  auto b = a;
  EXPECT_THAT(std::string(ValidateAgenda({a, b}, ResolvedWebinar(), id).status().message()),
              HasSubstr("used twice"));
}

}  // namespace
}  // namespace events::scheduling
