// What eventctl keys, webhooks and contacts print.
#include "tools/eventctl/integrations_printer.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace events::eventctl {
namespace {

using ::testing::HasSubstr;

TEST(IntegrationsPrinterTest, ANewKeyIsShownOnceWithAWarning) {
  events::v1::CreateApiKeyResponse made;
  made.mutable_key()->set_key_id("key_1");
  made.mutable_key()->set_name("Mailchimp");
  made.mutable_key()->add_scopes("contacts:read");
  made.set_api_key("evk_secret");
  const std::string out = DescribeNewKey(made);
  EXPECT_THAT(out, HasSubstr("evk_secret"));
  EXPECT_THAT(out, HasSubstr("only time"));
  EXPECT_THAT(out, HasSubstr("contacts:read"));
}

TEST(IntegrationsPrinterTest, TablesSayWhatHappened) {
  events::v1::ApiKey key;
  key.set_key_id("key_1");
  key.set_name("Brevo");
  key.set_revoked(true);
  key.add_scopes("webhooks:manage");
  key.set_created_unix_ms(1764151200000);
  EXPECT_THAT(KeyTable({key}), HasSubstr("revoked"));
  EXPECT_THAT(KeyTable({key}), HasSubstr("2025-11-26 10:00:00Z"));
  EXPECT_THAT(KeyTable({key}), Not(HasSubstr("made by")));
  key.set_created_by_name("Ian Integrations");
  key.set_revoked_by_name("Alex Organiser");
  key.set_revoked_unix_ms(1764154800000);
  EXPECT_THAT(KeyTable({key}), HasSubstr("made by Ian Integrations"));
  EXPECT_THAT(KeyTable({key}), HasSubstr("revoked by Alex Organiser at 2025-11-26 11:00:00Z"));
  EXPECT_EQ(KeyTable({}), "No integration keys.\n");

  events::v1::Webhook w;
  w.set_id("wh_1");
  w.set_url("https://hooks.example.org/in");
  w.add_event_types("registration.*");
  w.set_enabled(false);
  w.set_disabled_reason("the receiver answered 410 Gone");
  const std::string hooks = WebhookTable({w});
  EXPECT_THAT(hooks, HasSubstr("disabled"));
  EXPECT_THAT(hooks, HasSubstr("410 Gone"));
  EXPECT_THAT(hooks, HasSubstr("registration.*"));

  events::v1::DeliveryAttempt a;
  a.set_state(events::v1::DELIVERY_STATE_PENDING);
  a.set_attempt(2);
  a.set_error("Connection refused");
  a.set_message_id("de_1");
  EXPECT_THAT(DeliveryTable({a}), HasSubstr("pending"));
  EXPECT_THAT(DeliveryTable({a}), HasSubstr("Connection refused"));
  a.set_http_status(500);
  EXPECT_THAT(DeliveryTable({a}), HasSubstr("HTTP 500"));

  events::v1::DeadLetter d;
  d.set_delivery_id("3/de_1/wh_1");
  d.set_attempts(11);
  d.set_last_http_status(503);
  EXPECT_THAT(DeadLetterTable({d}), HasSubstr("3/de_1/wh_1"));
  EXPECT_THAT(DeadLetterTable({d}), HasSubstr("11 tries, last: HTTP 503"));

  events::v1::MailingContact c;
  c.set_email("ada@example.org");
  c.set_cursor(7);
  EXPECT_THAT(ContactTable({c}), HasSubstr("left"));
  c.set_subscribed(true);
  EXPECT_THAT(ContactTable({c}), HasSubstr("subscribed"));
}

// "registratoin.*" was sent as it was and matched nothing, silently.
TEST(IntegrationsPrinterTest, WebhookTypesOfUnknownFamiliesAreRefusedWithTheClosest) {
  EXPECT_TRUE(CheckWebhookTypes({"*", "registration.*", "event.reminder_due"}).ok());
  absl::Status typo = CheckWebhookTypes({"event.*", "registratoin.*"});
  EXPECT_EQ(typo.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(typo.message(), HasSubstr("\"registratoin.*\" is not an event type"));
  EXPECT_THAT(typo.message(), HasSubstr("did you mean registration.*?"));
  EXPECT_THAT(CheckWebhookTypes({"feedbak.response_submitted"}).message(),
              HasSubstr("did you mean feedback.response_submitted?"));
  EXPECT_THAT(CheckWebhookTypes({"registration"}).message(),
              HasSubstr("did you mean registration.*?"));
  EXPECT_THAT(CheckWebhookTypes({"zzz.*"}).message(), HasSubstr("use \"*\" or one of event.*"));
}

}  // namespace
}  // namespace events::eventctl
