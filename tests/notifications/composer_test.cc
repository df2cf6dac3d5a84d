// Every template writes a subject, an HTML part and the same words as text.
#include "services/notifications/mail/composer.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/notifications/domain/plan.h"

namespace events::notifications {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Mail to a member of the organisation says its name, not an event's.
bool ForMember(const std::string& name) {
  return name == "member_invited" || name == "sign_in_link";
}

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
  if (ForMember(name)) {
    // Mail to a member is about no event and no registration.
    c.event.Clear();
    c.arg.clear();
    c.registration.reset();
    c.manage_url.clear();
    c.survey_url.clear();
    events::v1::Member m;
    m.set_name("Bea <i>Coordinator</i>");
    m.set_email("bea@example.org");
    m.add_roles(events::v1::MEMBER_ROLE_ORGANISER);
    m.add_roles(events::v1::MEMBER_ROLE_ACCESS_COORDINATOR);
    c.member = m;
    c.org_name = "Riverside Forum";
    c.inviter = "Ola Organiser";
    c.sign_in_url = "http://127.0.0.1:8080/manage/sign-in";
    c.link_minutes = 15;
  }
  return c;
}

TEST(ComposerTest, EveryTemplateWritesAllItsParts) {
  auto composer = Composer::Create();
  ASSERT_TRUE(composer.ok()) << composer.status();
  for (const std::string& name : AllTemplates()) {
    auto mail = composer->Compose(Context(name));
    ASSERT_TRUE(mail.ok()) << name << ": " << mail.status();
    EXPECT_FALSE(mail->subject.empty()) << name;
    EXPECT_THAT(mail->subject,
                HasSubstr(ForMember(name) ? "Riverside Forum" : "Living well with diabetes"))
        << name;
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

TEST(ComposerTest, AnInvitationSaysWhoInvitedWhomAsWhatAndWhereToSignInWithNoSecret) {
  auto composer = Composer::Create();
  ASSERT_TRUE(composer.ok());
  auto mail = composer->Compose(Context("member_invited"));
  ASSERT_TRUE(mail.ok());
  EXPECT_EQ(mail->subject, "Ola Organiser invited you to help run events for Riverside Forum");
  EXPECT_THAT(mail->text, HasSubstr("Hello Bea <i>Coordinator</i>,"));
  EXPECT_THAT(mail->text,
              HasSubstr("Ola Organiser invited you to help run events for Riverside Forum as an "
                        "organiser and access coordinator."));
  // The address is written once in the text part: the link's words are its address.
  EXPECT_THAT(mail->text, HasSubstr("To accept, go to http://127.0.0.1:8080/manage/sign-in and "
                                    "sign in with this e-mail address. You do not need a "
                                    "password."));
  EXPECT_THAT(mail->html, HasSubstr("<a href=\"http://127.0.0.1:8080/manage/sign-in\">"));
  EXPECT_THAT(mail->html, HasSubstr("Bea &lt;i&gt;Coordinator&lt;/i&gt;"));
  // The first organiser (made with eventctl) was invited by nobody named.
  MailContext first = Context("member_invited");
  first.inviter.clear();
  mail = composer->Compose(first);
  ASSERT_TRUE(mail.ok());
  EXPECT_EQ(mail->subject, "You are invited to help run events for Riverside Forum");
  EXPECT_THAT(mail->text,
              HasSubstr("You have been invited to help run events for Riverside Forum"));
}

TEST(ComposerTest, ASignInLinkSaysHowLongWhereAndWhatToDoIfYouDidNotAsk) {
  auto composer = Composer::Create();
  ASSERT_TRUE(composer.ok());
  MailContext c = Context("sign_in_link");
  c.sign_in_url = "http://127.0.0.1:8080/manage/sign-in/sil_1.SECRET";
  auto mail = composer->Compose(c);
  ASSERT_TRUE(mail.ok());
  EXPECT_EQ(mail->subject, "Your link to sign in to Riverside Forum");
  EXPECT_THAT(mail->text,
              HasSubstr("Sign in to Riverside Forum: http://127.0.0.1:8080/manage/sign-in/"
                        "sil_1.SECRET"));
  EXPECT_THAT(mail->text, HasSubstr("It works once, for 15 minutes."));
  EXPECT_THAT(mail->text, HasSubstr("only in the browser where you asked for it"));
  EXPECT_THAT(mail->text, HasSubstr("If you did not ask to sign in, ignore this e-mail."));
  EXPECT_THAT(mail->text, HasSubstr("Nobody can sign in without the link in this e-mail."));
  c.link_minutes = 1;
  mail = composer->Compose(c);
  ASSERT_TRUE(mail.ok());
  EXPECT_THAT(mail->text, HasSubstr("It works once, for 1 minute."));
}

TEST(ComposerTest, RolesInWords) {
  auto roles = [](std::initializer_list<events::v1::MemberRole> list) {
    events::v1::Member m;
    for (auto r : list) m.add_roles(r);
    return RolesText(m.roles());
  };
  EXPECT_EQ(roles({events::v1::MEMBER_ROLE_ORGANISER}), "an organiser");
  EXPECT_EQ(roles({events::v1::MEMBER_ROLE_ACCESS_COORDINATOR}), "an access coordinator");
  EXPECT_EQ(roles({events::v1::MEMBER_ROLE_VIEWER}), "a viewer");
  EXPECT_EQ(roles({events::v1::MEMBER_ROLE_ACCESS_COORDINATOR, events::v1::MEMBER_ROLE_ORGANISER}),
            "an organiser and access coordinator");
  EXPECT_EQ(roles({}), "a member");
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
  // A link whose words are its address is written once.
  EXPECT_EQ(HtmlToText("<p>Go to <a href=\"https://x.org/a\">https://x.org/a</a> now.</p>"),
            "Go to https://x.org/a now.\n");
  // Markup inside a link that trims what was written before it (not ours, but any bytes
  // must do: fuzz_mail_message).
  EXPECT_EQ(HtmlToText("<br><a href=\"https://x.org/a\"><p></a>"), ": https://x.org/a\n");
}

}  // namespace
}  // namespace events::notifications
