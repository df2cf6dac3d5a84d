// The public view: which text counts as a copy of the join link, and that every string field
// of an event or series loses it.
#include "services/scheduling/domain/public_view.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/ascii.h"

namespace events::scheduling {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kLink[] = "https://meet.example.org/room/secret-7f3a9c?pwd=Abc123";

std::string Scrub(const std::string& text) { return ScrubJoinLinks(text, {kLink}); }

TEST(JoinLinkMatchTest, EveryFormOfTheLinkIsReplaced) {
  const char* copies[] = {
      "https://meet.example.org/room/secret-7f3a9c?pwd=Abc123",  // verbatim
      "https://meet.example.org/room/secret-7f3a9c",             // without its query
      "https://meet.example.org/room/secret-7f3a9c?pwd=other",   // another query
      "https://meet.example.org/room/secret-7f3a9c#join",        // a fragment
      "HTTPS://MEET.Example.ORG/room/secret-7f3a9c",             // scheme and host case
      "https://meet.example.org/ROOM/Secret-7F3A9C",             // path case
      "https://meet.example.org/room/secret-7f3a9c/",            // trailing slash
      "https://meet.example.org:443/room/secret-7f3a9c",         // default port
      "http://meet.example.org/room/secret-7f3a9c",              // plain http
      "meet.example.org/room/secret-7f3a9c",                     // no scheme
  };
  for (const char* copy : copies) {
    for (const std::string& text :
         {std::string(copy), "Join at " + std::string(copy) + ".", "(" + std::string(copy) + ")",
          "<" + std::string(copy) + ">", "line one\n" + std::string(copy) + "\nline two"}) {
      std::string out = Scrub(text);
      EXPECT_THAT(absl::AsciiStrToLower(out), Not(HasSubstr("secret-7f3a9c"))) << text;
      EXPECT_THAT(out, HasSubstr(std::string(kJoinLinkPlaceholder))) << text;
      EXPECT_TRUE(ContainsJoinLink(text, kLink)) << text;
    }
  }
  EXPECT_EQ(Scrub("Join at https://meet.example.org/room/secret-7f3a9c?pwd=Abc123. Bring tea."),
            "Join at (join link sent to registered attendees). Bring tea.");
  EXPECT_EQ(Scrub("a meet.example.org/room/secret-7f3a9c b meet.example.org/room/secret-7f3a9c"),
            "a (join link sent to registered attendees) b (join link sent to registered "
            "attendees)");
}

TEST(JoinLinkMatchTest, OtherUrlsAndProseAreLeftAlone) {
  const char* others[] = {
      "https://meet.example.org/room/secret-7f3a9cd",      // a longer path
      "https://meet.example.org/room/secret-7f3a9c/more",  // a deeper path
      "https://meet.example.org/room/secret-7f3a9c.html",  // another file
      "https://evil-meet.example.org/room/secret-7f3a9c",  // another host
      "https://sub.meet.example.org/room/secret-7f3a9c",   // a sub-domain
      "https://meet.example.org:8443/room/secret-7f3a9c",  // another port
      "https://meet.example.org/room/other",               // another room
      "We meet at meet.example.org every week",            // the host in prose
      "",
  };
  for (const char* text : others) {
    EXPECT_EQ(Scrub(text), text);
    EXPECT_FALSE(ContainsJoinLink(text, kLink)) << text;
  }
  EXPECT_EQ(ScrubJoinLinks("any text", {""}), "any text");  // no link: nothing to hide
}

TEST(JoinLinkMatchTest, ALinkWithoutPathMatchesOnlyWithAScheme) {
  const std::string link = "https://webinar.example.net/";
  EXPECT_TRUE(ContainsJoinLink("join https://webinar.example.net now", link));
  EXPECT_TRUE(ContainsJoinLink("join https://WEBINAR.example.net/?id=4", link));
  EXPECT_FALSE(ContainsJoinLink("hosted by webinar.example.net", link));
  EXPECT_FALSE(ContainsJoinLink("https://webinar.example.net/other-room", link));
}

events::v1::Event EventWithLinkEverywhere() {
  events::v1::Event e;
  e.set_id("ev_1");
  e.set_cancellation_reason("moved to meet.example.org/room/secret-7f3a9c");
  auto* d = e.mutable_details();
  d->set_join_link(kLink);
  const std::string text = "see HTTPS://meet.example.org/room/secret-7f3a9c/ please";
  d->set_title(text);
  d->set_description(text);
  d->mutable_venue()->set_name(text);
  d->mutable_venue()->set_address(text);
  d->mutable_venue()->set_postcode(text);
  d->mutable_venue()->set_access_information(text);
  auto* p = d->mutable_accessibility()->add_provisions();
  p->set_need("live_captions");
  p->set_note(text);
  d->mutable_organiser_contact()->set_name(text);
  d->mutable_organiser_contact()->set_phone(text);
  d->mutable_reminders()->add_minutes_before(60);
  auto* s = e.add_agenda();
  s->set_title(text);
  s->set_description(text);
  auto* speaker = s->add_speakers();
  speaker->set_name(text);
  speaker->set_bio(text);
  return e;
}

TEST(PublicViewTest, EveryStringFieldOfAnEventLosesTheLink) {
  events::v1::Event full = EventWithLinkEverywhere();
  events::v1::Event view = PublicEventView(full);
  EXPECT_THAT(absl::AsciiStrToLower(view.DebugString()), Not(HasSubstr("secret-7f3a9c")));
  EXPECT_TRUE(view.details().join_link().empty());
  EXPECT_FALSE(view.details().has_reminders());
  EXPECT_EQ(view.details().title(), "see (join link sent to registered attendees) please");
  EXPECT_EQ(view.agenda(0).speakers(0).bio(), view.details().title());
  // Idempotent, and nothing else changes.
  EXPECT_EQ(PublicEventView(view).DebugString(), view.DebugString());
  EXPECT_EQ(view.id(), "ev_1");
  EXPECT_FALSE(view.details().has_start());  // no empty sub-messages appear
}

TEST(PublicViewTest, SpeakerBiosLoseContactDetails) {
  events::v1::Event e;
  e.mutable_details()->set_join_link(kLink);
  e.mutable_details()->set_description("Questions: events@riverside.example.org");
  e.mutable_details()->mutable_organiser_contact()->set_phone("020 7946 0958");
  auto* session = e.add_agenda();
  auto* speaker = session->add_speakers();
  speaker->set_name("Jo Lee");
  speaker->set_bio("Peer supporter. jo (at) example (dot) org, 07700\u2013900123.");
  session->add_speakers()->set_bio("Host since 2019.");
  events::v1::Event view = PublicEventView(e);
  EXPECT_EQ(view.agenda(0).speakers(0).bio(), "Peer supporter. [email removed], [phone removed].");
  EXPECT_EQ(view.agenda(0).speakers(1).bio(), "Host since 2019.");
  // Only bios: the organiser's contact details and description are theirs to publish.
  EXPECT_EQ(view.details().description(), e.details().description());
  EXPECT_EQ(view.details().organiser_contact().phone(), "020 7946 0958");
  EXPECT_EQ(PublicEventView(view).DebugString(), view.DebugString());
}

TEST(PublicViewTest, SeriesTemplateLosesTheLink) {
  events::v1::Series series;
  *series.mutable_template_() = EventWithLinkEverywhere().details();
  events::v1::Series view = PublicSeriesView(series);
  EXPECT_THAT(absl::AsciiStrToLower(view.DebugString()), Not(HasSubstr("secret-7f3a9c")));
  EXPECT_TRUE(view.template_().join_link().empty());
}

TEST(PublicViewTest, FindJoinLinkCopyNamesTheField) {
  events::v1::Event e;
  e.mutable_details()->set_join_link(kLink);
  EXPECT_EQ(FindJoinLinkCopy(e, kLink), std::nullopt);  // the link field itself is fine
  e.add_agenda()->set_title("Welcome");
  e.add_agenda()->add_speakers()->set_bio("my room: meet.example.org/room/secret-7f3a9c");
  EXPECT_EQ(FindJoinLinkCopy(e, kLink), "agenda[1].speakers[0].bio");
  EXPECT_EQ(FindJoinLinkCopy(e, ""), std::nullopt);
}

}  // namespace
}  // namespace events::scheduling
