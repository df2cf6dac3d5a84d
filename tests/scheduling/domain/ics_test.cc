// iCalendar output: rendered, read back with ParseIcs, and checked line by line.
#include "services/scheduling/domain/ics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ctime>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/time/local_time.h"
#include "services/scheduling/domain/ics_parse.h"
#include "services/scheduling/domain/recurrence.h"

namespace events::scheduling {
namespace {

using events::v1::Event;
using events::v1::RecurrenceRule;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kJoinLink[] = "https://meet.example.org/room/secret-7f3a9c";

int64_t Utc(int y, int mo, int d, int h, int mi) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

// A published hybrid London webinar on Monday 2026-03-30, 10:00-11:30 BST.
Event LondonEvent() {
  Event e;
  e.set_id("evt_123");
  e.set_status(events::v1::EVENT_STATUS_PUBLISHED);
  e.set_sequence(2);
  e.set_start_unix_ms(Utc(2026, 3, 30, 9, 0));
  e.set_end_unix_ms(Utc(2026, 3, 30, 10, 30));
  e.set_created_unix_ms(Utc(2026, 1, 5, 12, 0));
  e.set_updated_unix_ms(Utc(2026, 2, 1, 8, 15));
  auto* d = e.mutable_details();
  d->set_title("Co-producing care: lived experience in practice");
  d->set_description("A conversation with carers.\nBring questions.");
  d->set_format(events::v1::EVENT_FORMAT_HYBRID);
  d->set_time_zone("Europe/London");
  d->set_join_link(kJoinLink);
  d->mutable_venue()->set_name("Town Hall");
  d->mutable_venue()->set_address("1 High Street, Leeds");
  d->mutable_venue()->set_postcode("LS1 1AA");
  d->mutable_venue()->set_access_information("Step-free entrance on Park Row");
  auto* captions = d->mutable_accessibility()->add_provisions();
  captions->set_need("live_captions");
  captions->set_availability(events::v1::PROVISION_AVAILABILITY_ALWAYS);
  auto* bsl = d->mutable_accessibility()->add_provisions();
  bsl->set_need("bsl_interpreter");
  bsl->set_availability(events::v1::PROVISION_AVAILABILITY_ON_REQUEST);
  d->mutable_organiser_contact()->set_name("Sam Jones");
  d->mutable_organiser_contact()->set_email("sam@example.org");
  return e;
}

IcsOptions Options() {
  IcsOptions o;
  o.now_unix_ms = Utc(2026, 3, 1, 12, 0);
  return o;
}

IcsComponent MustParse(const std::string& text) {
  auto parsed = ParseIcs(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status() << "\n" << text;
  return parsed.ok() ? *parsed : IcsComponent{};
}

const IcsComponent& OnlyEvent(const IcsComponent& cal) {
  static const IcsComponent kEmpty;
  auto events = cal.Children("VEVENT");
  EXPECT_EQ(events.size(), 1u);
  return events.empty() ? kEmpty : *events[0];
}

std::string Prop(const IcsComponent& c, std::string_view name) {
  const std::string* v = c.FindProperty(name);
  return v == nullptr ? "<missing>" : *v;
}

std::vector<std::string> PhysicalLines(const std::string& text) {
  std::vector<std::string> lines = absl::StrSplit(text, "\r\n");
  EXPECT_EQ(lines.back(), "");  // the text ends with CRLF
  lines.pop_back();
  return lines;
}

TEST(IcsRenderTest, RendersAndParsesBackTheEvent) {
  IcsComponent cal = MustParse(RenderCalendar({LondonEvent()}, Options()));
  EXPECT_EQ(cal.name, "VCALENDAR");
  EXPECT_EQ(Prop(cal, "VERSION"), "2.0");
  EXPECT_EQ(Prop(cal, "PRODID"), "-//Inclusive Events//Scheduling//EN");
  EXPECT_EQ(Prop(cal, "METHOD"), "PUBLISH");
  const IcsComponent& ev = OnlyEvent(cal);
  EXPECT_EQ(Prop(ev, "UID"), "evt_123@events.invalid");
  EXPECT_EQ(Prop(ev, "SEQUENCE"), "2");
  EXPECT_EQ(*ev.FindPropertyName("DTSTART"), "DTSTART;TZID=Europe/London");
  EXPECT_EQ(Prop(ev, "DTSTART"), "20260330T100000");
  EXPECT_EQ(*ev.FindPropertyName("DTEND"), "DTEND;TZID=Europe/London");
  EXPECT_EQ(Prop(ev, "DTEND"), "20260330T113000");
  EXPECT_EQ(Prop(ev, "DTSTAMP"), "20260301T120000Z");
  EXPECT_EQ(Prop(ev, "CREATED"), "20260105T120000Z");
  EXPECT_EQ(Prop(ev, "LAST-MODIFIED"), "20260201T081500Z");
  EXPECT_EQ(Prop(ev, "STATUS"), "CONFIRMED");
  EXPECT_EQ(Prop(ev, "SUMMARY"), "Co-producing care: lived experience in practice");
}

TEST(IcsRenderTest, UidUsesTheConfiguredDomainAndIsStable) {
  IcsOptions o = Options();
  o.uid_domain = "events.example.org";
  std::string first = RenderCalendar({LondonEvent()}, o);
  EXPECT_EQ(first, RenderCalendar({LondonEvent()}, o));
  EXPECT_EQ(Prop(OnlyEvent(MustParse(first)), "UID"), "evt_123@events.example.org");
}

TEST(IcsRenderTest, EveryLineEndsWithCrlf) {
  std::string text = RenderCalendar({LondonEvent()}, Options());
  ASSERT_GE(text.size(), 2u);
  EXPECT_EQ(text.substr(text.size() - 2), "\r\n");
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      ASSERT_TRUE(i > 0 && text[i - 1] == '\r') << "bare LF at " << i;
    }
    if (text[i] == '\r') {
      ASSERT_TRUE(i + 1 < text.size() && text[i + 1] == '\n') << "bare CR at " << i;
    }
  }
}

TEST(IcsRenderTest, VtimezoneForLondonHasBothOffsets) {
  IcsComponent cal = MustParse(RenderCalendar({LondonEvent()}, Options()));
  auto zones = cal.Children("VTIMEZONE");
  ASSERT_EQ(zones.size(), 1u);
  EXPECT_EQ(Prop(*zones[0], "TZID"), "Europe/London");
  // The span is a year either side of the event: 2025-03-30 to 2027-03-31.
  auto daylight = zones[0]->Children("DAYLIGHT");
  auto standard = zones[0]->Children("STANDARD");
  ASSERT_EQ(daylight.size(), 3u);
  ASSERT_EQ(standard.size(), 2u);
  const IcsComponent* spring = nullptr;
  for (const IcsComponent* c : daylight) {
    if (Prop(*c, "DTSTART") == "20260329T010000") spring = c;
  }
  ASSERT_NE(spring, nullptr);
  EXPECT_EQ(Prop(*spring, "TZOFFSETFROM"), "+0000");
  EXPECT_EQ(Prop(*spring, "TZOFFSETTO"), "+0100");
  EXPECT_EQ(Prop(*spring, "TZNAME"), "BST");
  EXPECT_EQ(Prop(*standard[1], "DTSTART"), "20261025T020000");
  EXPECT_EQ(Prop(*standard[1], "TZOFFSETFROM"), "+0100");
  EXPECT_EQ(Prop(*standard[1], "TZOFFSETTO"), "+0000");
  EXPECT_EQ(Prop(*standard[1], "TZNAME"), "GMT");
}

TEST(IcsRenderTest, ZoneWithoutDstGetsOneStandardFrom1970) {
  Event e = LondonEvent();
  e.mutable_details()->set_time_zone("Asia/Kolkata");
  IcsComponent cal = MustParse(RenderCalendar({e}, Options()));
  auto zones = cal.Children("VTIMEZONE");
  ASSERT_EQ(zones.size(), 1u);
  ASSERT_EQ(zones[0]->children.size(), 1u);
  const IcsComponent& std_part = zones[0]->children[0];
  EXPECT_EQ(std_part.name, "STANDARD");
  EXPECT_EQ(Prop(std_part, "DTSTART"), "19700101T000000");
  EXPECT_EQ(Prop(std_part, "TZOFFSETFROM"), "+0530");
  EXPECT_EQ(Prop(std_part, "TZOFFSETTO"), "+0530");
  EXPECT_EQ(Prop(std_part, "TZNAME"), "IST");
  EXPECT_EQ(Prop(OnlyEvent(cal), "DTSTART"), "20260330T143000");
}

TEST(IcsRenderTest, EachZoneGetsItsOwnVtimezone) {
  Event ny = LondonEvent();
  ny.set_id("evt_ny");
  ny.mutable_details()->set_time_zone("America/New_York");
  Event second_london = LondonEvent();
  second_london.set_id("evt_456");
  IcsComponent cal = MustParse(RenderCalendar({LondonEvent(), ny, second_london}, Options()));
  auto zones = cal.Children("VTIMEZONE");
  ASSERT_EQ(zones.size(), 2u);
  EXPECT_EQ(Prop(*zones[0], "TZID"), "America/New_York");
  EXPECT_EQ(Prop(*zones[1], "TZID"), "Europe/London");
  auto events = cal.Children("VEVENT");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(*events[1]->FindPropertyName("DTSTART"), "DTSTART;TZID=America/New_York");
  EXPECT_EQ(Prop(*events[1], "DTSTART"), "20260330T050000");
}

TEST(IcsRenderTest, AllCancelledUsesMethodCancel) {
  Event e = LondonEvent();
  e.set_status(events::v1::EVENT_STATUS_CANCELLED);
  e.set_sequence(3);
  e.set_cancellation_reason("The speaker is unwell");
  IcsComponent cal = MustParse(RenderCalendar({e}, Options()));
  EXPECT_EQ(Prop(cal, "METHOD"), "CANCEL");
  const IcsComponent& ev = OnlyEvent(cal);
  EXPECT_EQ(Prop(ev, "STATUS"), "CANCELLED");
  EXPECT_EQ(Prop(ev, "SEQUENCE"), "3");
  EXPECT_THAT(Prop(ev, "DESCRIPTION"), HasSubstr("This event is cancelled: The speaker is unwell"));
}

TEST(IcsRenderTest, MixedStatusesPublish) {
  Event cancelled = LondonEvent();
  cancelled.set_status(events::v1::EVENT_STATUS_CANCELLED);
  Event draft = LondonEvent();
  draft.set_id("evt_draft");
  draft.set_status(events::v1::EVENT_STATUS_DRAFT);
  Event done = LondonEvent();
  done.set_id("evt_done");
  done.set_status(events::v1::EVENT_STATUS_COMPLETED);
  IcsComponent cal = MustParse(RenderCalendar({cancelled, draft, done}, Options()));
  EXPECT_EQ(Prop(cal, "METHOD"), "PUBLISH");
  auto events = cal.Children("VEVENT");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(Prop(*events[0], "STATUS"), "CANCELLED");
  EXPECT_EQ(Prop(*events[1], "STATUS"), "TENTATIVE");
  EXPECT_EQ(Prop(*events[2], "STATUS"), "CONFIRMED");
}

TEST(IcsRenderTest, EmptyCalendarIsValid) {
  IcsOptions o = Options();
  o.calendar_name = "Webinars, spring 2026";
  IcsComponent cal = MustParse(RenderCalendar({}, o));
  EXPECT_EQ(Prop(cal, "METHOD"), "PUBLISH");
  EXPECT_EQ(Prop(cal, "X-WR-CALNAME"), "Webinars, spring 2026");
  EXPECT_TRUE(cal.children.empty());
}

TEST(IcsRenderTest, TextIsEscapedAndUnescapesBack) {
  Event e = LondonEvent();
  e.mutable_details()->set_title("Money, benefits; and \\you\\");
  e.mutable_details()->set_description("Line one\r\nLine two\nA;B,C");
  e.mutable_details()->mutable_accessibility()->clear_provisions();
  e.mutable_details()->set_format(events::v1::EVENT_FORMAT_ONLINE);
  std::string text = RenderCalendar({e}, Options());
  EXPECT_THAT(text, HasSubstr("SUMMARY:Money\\, benefits\\; and \\\\you\\\\\r\n"));
  EXPECT_THAT(text, HasSubstr("DESCRIPTION:Line one\\nLine two\\nA\\;B\\,C\r\n"));
  IcsComponent cal = MustParse(text);
  const IcsComponent& ev = OnlyEvent(cal);
  EXPECT_EQ(Prop(ev, "SUMMARY"), "Money, benefits; and \\you\\");
  EXPECT_EQ(Prop(ev, "DESCRIPTION"), "Line one\nLine two\nA;B,C");
}

TEST(IcsRenderTest, LongTitleIsFoldedAndUnfoldsBackEqual) {
  std::string title;
  while (title.size() < 200) title += "Inclusive webinar ";
  title.resize(200);
  Event e = LondonEvent();
  e.mutable_details()->set_title(title);
  std::string text = RenderCalendar({e}, Options());
  int continuation_lines = 0;
  for (const std::string& line : PhysicalLines(text)) {
    EXPECT_LE(line.size(), 75u) << line;
    if (!line.empty() && line[0] == ' ') ++continuation_lines;
  }
  EXPECT_GE(continuation_lines, 2);
  EXPECT_EQ(Prop(OnlyEvent(MustParse(text)), "SUMMARY"), title);
}

TEST(IcsRenderTest, FoldingNeverSplitsUtf8) {
  // Two-, three- and four-byte characters at every alignment.
  std::string title;
  for (int i = 0; i < 30; ++i) title += "é€😀a";
  Event e = LondonEvent();
  e.mutable_details()->set_title(title);
  std::string text = RenderCalendar({e}, Options());
  for (const std::string& line : PhysicalLines(text)) {
    EXPECT_LE(line.size(), 75u);
    size_t body = !line.empty() && line[0] == ' ' ? 1 : 0;
    ASSERT_LT(body, line.size());
    EXPECT_NE(static_cast<unsigned char>(line[body]) & 0xC0, 0x80) << "split sequence: " << line;
  }
  EXPECT_EQ(Prop(OnlyEvent(MustParse(text)), "SUMMARY"), title);
}

TEST(IcsRenderTest, JoinLinkNeverAppears) {
  Event e = LondonEvent();
  e.mutable_details()->set_description(absl::StrCat("Join at ", kJoinLink, " on the day."));
  e.mutable_details()->set_title(absl::StrCat("Webinar ", kJoinLink));
  std::string text = RenderCalendar({e}, Options());
  EXPECT_THAT(text, Not(HasSubstr("secret-7f3a9c")));
  EXPECT_THAT(text, Not(HasSubstr("meet.example.org")));
  IcsComponent cal = MustParse(text);
  const IcsComponent& ev = OnlyEvent(cal);
  EXPECT_THAT(Prop(ev, "DESCRIPTION"), HasSubstr("(join link sent to registered attendees)"));
  EXPECT_EQ(ev.FindProperty("URL"), nullptr);
  for (const auto& [name, value] : ev.properties) {
    EXPECT_THAT(value, Not(HasSubstr(kJoinLink))) << name;
  }
}

TEST(IcsRenderTest, DescriptionListsAccessProvisions) {
  IcsComponent cal = MustParse(RenderCalendar({LondonEvent()}, Options()));
  EXPECT_EQ(Prop(OnlyEvent(cal), "DESCRIPTION"),
            "A conversation with carers.\nBring questions.\n\n"
            "Access: live_captions (always)\n"
            "Access: bsl_interpreter (on request)\n"
            "Venue access: Step-free entrance on Park Row");
}

TEST(IcsRenderTest, LocationFollowsFormat) {
  IcsComponent hybrid = MustParse(RenderCalendar({LondonEvent()}, Options()));
  EXPECT_EQ(Prop(OnlyEvent(hybrid), "LOCATION"), "Town Hall, 1 High Street, Leeds, LS1 1AA");
  Event online = LondonEvent();
  online.mutable_details()->set_format(events::v1::EVENT_FORMAT_ONLINE);
  IcsComponent cal = MustParse(RenderCalendar({online}, Options()));
  EXPECT_EQ(Prop(OnlyEvent(cal), "LOCATION"), "Online");
  EXPECT_THAT(Prop(OnlyEvent(cal), "DESCRIPTION"), Not(HasSubstr("Venue access")));
}

TEST(IcsRenderTest, OrganizerWithCommonNameAndQuotingWhenNeeded) {
  std::string text = RenderCalendar({LondonEvent()}, Options());
  EXPECT_THAT(text, HasSubstr("ORGANIZER;CN=Sam Jones:mailto:sam@example.org\r\n"));
  Event e = LondonEvent();
  e.mutable_details()->mutable_organiser_contact()->set_name("Jones, Sam \"SJ\"");
  IcsComponent cal = MustParse(RenderCalendar({e}, Options()));
  EXPECT_EQ(*OnlyEvent(cal).FindPropertyName("ORGANIZER"), "ORGANIZER;CN=\"Jones, Sam SJ\"");
  EXPECT_EQ(Prop(OnlyEvent(cal), "ORGANIZER"), "mailto:sam@example.org");
  // RFC 5546 requires an ORGANIZER: without an e-mail the no-reply address stands in.
  e.mutable_details()->clear_organiser_contact();
  const IcsComponent fallback = OnlyEvent(MustParse(RenderCalendar({e}, Options())));
  EXPECT_EQ(*fallback.FindPropertyName("ORGANIZER"), "ORGANIZER");
  EXPECT_EQ(Prop(fallback, "ORGANIZER"), "mailto:noreply@events.invalid");
  IcsOptions own = Options();
  own.organizer_fallback_email = "events@riverside.example";
  EXPECT_EQ(Prop(OnlyEvent(MustParse(RenderCalendar({e}, own))), "ORGANIZER"),
            "mailto:events@riverside.example");
}

TEST(IcsRenderTest, UnknownZoneFallsBackToUtcTimes) {
  Event e = LondonEvent();
  e.mutable_details()->set_time_zone("");
  e.set_end_unix_ms(e.start_unix_ms());  // no length: DURATION says so instead of DTEND
  IcsComponent cal = MustParse(RenderCalendar({e}, Options()));
  EXPECT_TRUE(cal.Children("VTIMEZONE").empty());
  EXPECT_EQ(*OnlyEvent(cal).FindPropertyName("DTSTART"), "DTSTART");
  EXPECT_EQ(Prop(OnlyEvent(cal), "DTSTART"), "20260330T090000Z");
  EXPECT_EQ(OnlyEvent(cal).FindProperty("DTEND"), nullptr);
  EXPECT_EQ(Prop(OnlyEvent(cal), "DURATION"), "PT0S");
}

// What RFC 5546 requires of every VEVENT in a PUBLISH or CANCEL message.
void ExpectRequiredProperties(const IcsComponent& cal) {
  ASSERT_NE(cal.FindProperty("METHOD"), nullptr);
  const std::string method = *cal.FindProperty("METHOD");
  auto events = cal.Children("VEVENT");
  ASSERT_FALSE(events.empty());
  for (const IcsComponent* ev : events) {
    for (const char* name : {"UID", "DTSTAMP", "DTSTART", "SEQUENCE", "ORGANIZER", "SUMMARY"}) {
      EXPECT_NE(ev->FindProperty(name), nullptr) << method << " without " << name;
    }
    EXPECT_TRUE(ev->FindProperty("DTEND") != nullptr || ev->FindProperty("DURATION") != nullptr)
        << method << " without DTEND or DURATION";
    EXPECT_THAT(Prop(*ev, "ORGANIZER"), ::testing::StartsWith("mailto:"));
    if (method == "CANCEL") {
      EXPECT_EQ(Prop(*ev, "STATUS"), "CANCELLED");
      EXPECT_EQ(Prop(*ev, "UID"), Prop(*events[0], "UID")) << "CANCEL holds one UID";
    }
  }
}

TEST(IcsMethodTest, EveryMethodCarriesWhatRfc5546Requires) {
  Event published = LondonEvent();
  published.mutable_details()->clear_organiser_contact();  // the CANCEL bug: no ORGANIZER
  published.mutable_details()->set_title("");
  Event cancelled = published;
  cancelled.set_id("evt_456");
  cancelled.set_status(events::v1::EVENT_STATUS_CANCELLED);

  IcsComponent one_cancelled = MustParse(RenderCalendar({cancelled}, Options()));
  EXPECT_EQ(Prop(one_cancelled, "METHOD"), "CANCEL");
  ExpectRequiredProperties(one_cancelled);

  IcsComponent one_published = MustParse(RenderCalendar({published}, Options()));
  EXPECT_EQ(Prop(one_published, "METHOD"), "PUBLISH");
  ExpectRequiredProperties(one_published);

  // A cancelled series: several UIDs cannot be one CANCEL, so it is a PUBLISH of cancelled
  // entries.
  Event cancelled_too = cancelled;
  cancelled_too.set_id("evt_789");
  IcsComponent series = MustParse(RenderCalendar({cancelled, cancelled_too}, Options()));
  EXPECT_EQ(Prop(series, "METHOD"), "PUBLISH");
  ExpectRequiredProperties(series);
  for (const IcsComponent* ev : series.Children("VEVENT")) {
    EXPECT_EQ(Prop(*ev, "STATUS"), "CANCELLED");
  }
  ExpectRequiredProperties(MustParse(RenderCalendar({published, cancelled}, Options())));
}

TEST(IcsTimeTest, RepeatedWallTimesAreWrittenInUtc) {
  struct Case {
    const char* name;
    int64_t start;
    int64_t end;
    const char* dtstart;  // the full property as written: name;params:value
    const char* dtend;
  } cases[] = {
      // London 2026-10-25: 01:00-02:00 happens twice (00:00-01:00Z BST, 01:00-02:00Z GMT).
      {"starts on the first pass", Utc(2026, 10, 25, 0, 15), Utc(2026, 10, 25, 2, 30),
       "DTSTART:20261025T001500Z", "DTEND;TZID=Europe/London:20261025T023000"},
      {"ends on the second pass", Utc(2026, 10, 24, 23, 30), Utc(2026, 10, 25, 1, 15),
       "DTSTART;TZID=Europe/London:20261025T003000", "DTEND:20261025T011500Z"},
      {"both in the overlap", Utc(2026, 10, 25, 0, 15), Utc(2026, 10, 25, 1, 15),
       "DTSTART:20261025T001500Z", "DTEND:20261025T011500Z"},
      {"an ordinary day", Utc(2026, 10, 26, 10, 0), Utc(2026, 10, 26, 11, 0),
       "DTSTART;TZID=Europe/London:20261026T100000", "DTEND;TZID=Europe/London:20261026T110000"},
  };
  for (const Case& c : cases) {
    Event e = LondonEvent();
    e.set_start_unix_ms(c.start);
    e.set_end_unix_ms(c.end);
    std::string text = RenderCalendar({e}, Options());
    EXPECT_THAT(text, HasSubstr(absl::StrCat(c.dtstart, "\r\n"))) << c.name;
    EXPECT_THAT(text, HasSubstr(absl::StrCat(c.dtend, "\r\n"))) << c.name;
    ExpectRequiredProperties(MustParse(text));
  }
}

TEST(IcsRenderTest, WeeklySeriesStaysAtTenLocalAcrossDstChange) {
  RecurrenceRule rule;
  rule.set_frequency(events::v1::FREQUENCY_WEEKLY);
  rule.set_count(3);
  auto starts = ExpandRecurrence(rule, time::LocalDateTime{2026, 3, 23, 10, 0, 0});
  ASSERT_TRUE(starts.ok()) << starts.status();
  std::vector<Event> series;
  for (size_t i = 0; i < starts->size(); ++i) {
    Event e = LondonEvent();
    e.set_id(absl::StrCat("evt_", i));
    e.set_start_unix_ms(*time::ToUnixMsShiftingGaps((*starts)[i], "Europe/London"));
    e.set_end_unix_ms(e.start_unix_ms() + int64_t{3600} * 1000);
    series.push_back(e);
  }
  IcsComponent cal = MustParse(RenderCalendar(series, Options()));
  auto events = cal.Children("VEVENT");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(Prop(*events[0], "DTSTART"), "20260323T100000");
  EXPECT_EQ(Prop(*events[1], "DTSTART"), "20260330T100000");
  EXPECT_EQ(Prop(*events[2], "DTEND"), "20260406T110000");
  EXPECT_EQ(cal.Children("VTIMEZONE").size(), 1u);
}

TEST(IcsTextTest, EscapeAndFoldHelpers) {
  EXPECT_EQ(EscapeIcsText("a\\b;c,d\ne\rf\x01g\th"), "a\\\\b\\;c\\,d\\ne\\nfg\th");
  EXPECT_EQ(FoldIcsLine("SHORT:x"), "SHORT:x\r\n");
  std::string exactly75(75, 'x');
  EXPECT_EQ(FoldIcsLine(exactly75), exactly75 + "\r\n");
  EXPECT_EQ(FoldIcsLine(exactly75 + "y"), exactly75 + "\r\n y\r\n");
}

TEST(IcsParseTest, UnfoldsAndHandlesQuotedColons) {
  auto cal = ParseIcs(
      "BEGIN:VCALENDAR\r\nX-NOTE;ALTREP=\"cid:a:b\":hello\r\n wor\r\n\tld\r\nEND:VCALENDAR\r\n");
  ASSERT_TRUE(cal.ok()) << cal.status();
  ASSERT_EQ(cal->properties.size(), 1u);
  EXPECT_EQ(cal->properties[0].first, "X-NOTE;ALTREP=\"cid:a:b\"");
  EXPECT_EQ(cal->properties[0].second, "helloworld");
}

TEST(IcsParseTest, RefusesBrokenFiles) {
  struct Case {
    const char* text;
    const char* problem;
  } cases[] = {
      {"BEGIN:VCALENDAR\nEND:VCALENDAR\n", "CRLF"},
      {"BEGIN:VCALENDAR\r\nEND:VCALENDAR", "CRLF"},
      {"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n", "does not match"},
      {"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VEVENT\r\n", "has no END"},
      {"VERSION:2.0\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "outside any component"},
      {"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "after"},
      {"BEGIN:VCALENDAR\r\nNO COLON HERE\r\nEND:VCALENDAR\r\n", "no ':'"},
      {" BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "continuation"},
      {"", "empty"},
  };
  for (const Case& c : cases) {
    auto r = ParseIcs(c.text);
    ASSERT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(r.status().message(), HasSubstr(c.problem)) << c.text;
  }
}

}  // namespace
}  // namespace events::scheduling
