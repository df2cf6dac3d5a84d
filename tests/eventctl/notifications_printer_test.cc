// What eventctl notifications prints.
#include "tools/eventctl/notifications_printer.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace events::eventctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(NotificationsPrinterTest, StateWordsGoBothWays) {
  for (auto state :
       {events::v1::MAIL_STATE_PENDING, events::v1::MAIL_STATE_SENT, events::v1::MAIL_STATE_DEAD,
        events::v1::MAIL_STATE_UNDELIVERABLE, events::v1::MAIL_STATE_SKIPPED}) {
    bool ok = false;
    EXPECT_EQ(MailStateFromWord(MailStateWord(state), ok), state);
    EXPECT_TRUE(ok);
  }
  bool ok = true;
  MailStateFromWord("bounced", ok);
  EXPECT_FALSE(ok);
}

TEST(NotificationsPrinterTest, TheOutboxSaysWhyAndWhatToDoAboutDeadMail) {
  events::v1::OutboxMail sent;
  sent.set_mail_id("1.aa");
  sent.set_state(events::v1::MAIL_STATE_SENT);
  sent.set_template_("registration_confirmed");
  sent.set_recipient("ann@example.org");
  sent.set_attempts(1);
  events::v1::OutboxMail dead = sent;
  dead.set_mail_id("2.bb");
  dead.set_state(events::v1::MAIL_STATE_DEAD);
  dead.set_last_error("Failed to connect (SMTP 0)");
  const std::string table = OutboxTable({sent, dead});
  EXPECT_THAT(table, HasSubstr("ann@example.org"));
  EXPECT_THAT(table, HasSubstr("Failed to connect"));
  EXPECT_THAT(table, HasSubstr("eventctl notifications replay"));
  EXPECT_THAT(OutboxTable({sent}), Not(HasSubstr("replay")));
  EXPECT_EQ(OutboxTable({}), "No e-mail yet.\n");
}

TEST(NotificationsPrinterTest, EmptySettingsSayHowToSetThem) {
  EXPECT_THAT(DescribeSenderSettings({}), HasSubstr("eventctl notifications settings --from-name"));
  events::v1::SenderSettings s;
  s.set_version(2);
  s.set_from_name("Healthwatch Anytown");
  s.add_coordinator_emails("access@example.org");
  EXPECT_THAT(DescribeSenderSettings(s), HasSubstr("access@example.org"));
}

}  // namespace
}  // namespace events::eventctl
