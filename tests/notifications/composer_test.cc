// Every template writes a subject, an HTML part and the same words as text.
#include "services/notifications/mail/composer.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/notifications/domain/plan.h"

namespace events::notifications {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

MailContext Context(const std::string& name) {
  MailContext c;
  c.template_name = name;
  auto& d = *c.event.mutable_details();
  d.set_title("Living well with diabetes");
  d.set_time_zone("Europe/London");
  d.set_format(events::v1::EVENT_FORMAT_ONLINE);
  c.event.set_start_rfc3339("2026-03-30T10:00:00+01:00");
  c.event.set_end_rfc3339("2026-03-30T11:30:00+01:00");
  events::v1::Registration r;
  r.set_name("Ann <b>Lovelace</b>");
  r.set_status(events::v1::REGISTRATION_STATUS_CONFIRMED);
  r.set_join_link("https://meet.example.org/room?x=1&y=2");
  r.set_waitlist_position(3);
  c.registration = r;
  c.manage_url = "http://127.0.0.1:8080/manage/rg_1.TOKEN";
  c.survey_url = "http://127.0.0.1:8080/feedback/rg_1.TOKEN";
  c.sender.set_from_name("Healthwatch Anytown");
  c.sender.set_footer("1 High Street, Anytown\nRegistered charity 123456");
  c.arg = "1440";
  return c;
}

TEST(ComposerTest, EveryTemplateWritesAllItsParts) {
  auto composer = Composer::Create();
  ASSERT_TRUE(composer.ok()) << composer.status();
  for (const std::string& name : AllTemplates()) {
    auto mail = composer->Compose(Context(name));
    ASSERT_TRUE(mail.ok()) << name << ": " << mail.status();
    EXPECT_FALSE(mail->subject.empty()) << name;
    EXPECT_THAT(mail->subject, HasSubstr("Living well with diabetes")) << name;
    EXPECT_THAT(mail->html, HasSubstr("<html lang=\"en-GB\">")) << name;
    EXPECT_THAT(mail->html, HasSubstr("<h1>")) << name;
    for (const char* tag : {"<p>", "<h1>", "<a ", "<li>", "&amp;"}) {
      EXPECT_THAT(mail->text, Not(HasSubstr(tag))) << name;
    }
    EXPECT_THAT(mail->text, HasSubstr("Registered charity 123456")) << name;
    EXPECT_THAT(mail->text, Not(HasSubstr("{{"))) << name;
  }
}

TEST(ComposerTest, ConfirmationSaysWhenInTheEventsZoneWithItsLinksAndEscapesValues) {
  auto composer = Composer::Create();
  ASSERT_TRUE(composer.ok());
  auto mail = composer->Compose(Context("registration_confirmed"));
  ASSERT_TRUE(mail.ok());
  EXPECT_EQ(mail->subject, "You have a place at Living well with diabetes");
  EXPECT_THAT(mail->text, HasSubstr("Monday 30 March 2026, 10am to 11:30am"));
  EXPECT_THAT(mail->text, HasSubstr("UK time"));
  EXPECT_THAT(mail->text, HasSubstr(": http://127.0.0.1:8080/manage/rg_1.TOKEN"));
  EXPECT_THAT(mail->text, HasSubstr("When it starts, use this link: Join the event online: "
                                    "https://meet.example.org/room?x=1&y=2"));
  // A name is text, never markup.
  EXPECT_THAT(mail->html, HasSubstr("Ann &lt;b&gt;Lovelace&lt;/b&gt;"));
  EXPECT_THAT(mail->text, HasSubstr("Hello Ann <b>Lovelace</b>,"));
  // Links say where they go.
  EXPECT_THAT(mail->html, HasSubstr(">See or change your registration"));
}

TEST(ComposerTest, AccessMailNeverNamesTheNeed) {
  auto composer = Composer::Create();
  ASSERT_TRUE(composer.ok());
  MailContext c = Context("access_new");
  c.registration.reset();
  c.manage_url.clear();
  auto mail = composer->Compose(c);
  ASSERT_TRUE(mail.ok());
  EXPECT_THAT(mail->text, HasSubstr("does not say who asked or what they need"));
  EXPECT_THAT(mail->text, Not(HasSubstr("Ann")));
}

TEST(ComposerTest, RemindersSayHowSoon) {
  auto composer = Composer::Create();
  ASSERT_TRUE(composer.ok());
  auto mail = composer->Compose(Context("event_reminder"));
  ASSERT_TRUE(mail.ok());
  EXPECT_EQ(mail->subject, "Reminder: Living well with diabetes starts in 1 day");
}

TEST(ComposerTest, UnknownTemplatesAreRefused) {
  auto composer = Composer::Create();
  ASSERT_TRUE(composer.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(composer->Compose(Context("layout")).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(composer->Compose(Context("nope")).status()));
}

TEST(HtmlToTextTest, HeadingsParagraphsListsAndLinks) {
  EXPECT_EQ(
      HtmlToText("<h1>Title</h1>\n<p>One\n two &amp; three.</p><ul>\n<li>a</li>\n<li>b</li>\n</ul>"
                 "<p><a href=\"https://x.org/A?b=1&amp;c=2\">Go</a></p>"),
      "Title\n\nOne two & three.\n\n- a\n- b\n\nGo: https://x.org/A?b=1&c=2\n");
}

}  // namespace
}  // namespace events::notifications
