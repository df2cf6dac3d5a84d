// Webhook bodies, event-type filters, secrets at rest and the contacts CSV: pure code.
#include "services/integrations/webhooks/payload.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/integrations/contacts/contacts_csv.h"
#include "services/integrations/webhooks/event_types.h"
#include "services/integrations/webhooks/secret_box.h"

namespace events::integrations {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

events::v1::DomainEvent Event(const std::string& type, const google::protobuf::Message& data) {
  events::v1::DomainEvent e;
  e.set_id("de_1");
  e.set_type(type);
  e.set_source("scheduling");
  e.set_time_unix_ms(1764151200123);
  e.set_subject("ev_1");
  e.set_org_id("org_1");
  e.set_data_type(data.GetDescriptor()->full_name());
  e.set_data(data.SerializeAsString());
  return e;
}

TEST(WebhookBodyTest, IsTheStandardWebhooksShapeWithTheProtobufJsonPayload) {
  events::v1::EventReminderDue due;
  due.set_event_id("ev_1");
  due.set_org_id("org_1");
  due.set_minutes_before(1440);
  due.set_start_unix_ms(1764237600000);
  EXPECT_EQ(WebhookBody(Event("event.reminder_due", due)),
            "{\"type\":\"event.reminder_due\",\"timestamp\":\"2025-11-26T10:00:00.123Z\","
            "\"id\":\"de_1\",\"source\":\"scheduling\",\"subject\":\"ev_1\","
            "\"org_id\":\"org_1\",\"data\":{\"event_id\":\"ev_1\",\"org_id\":\"org_1\","
            "\"minutes_before\":1440,\"start_unix_ms\":\"1764237600000\",\"sequence\":\"0\"}}");
}

TEST(WebhookBodyTest, FieldsOutsideTheThinPayloadNeverLeave) {
  events::v1::AccessibilityRequestChanged change;
  change.set_request_id("ar_1");
  change.set_status(events::v1::REQUEST_STATUS_SUBMITTED);
  events::v1::DomainEvent e = Event("accessibility.request_submitted", change);
  // A payload with a field this build does not know (e.g. a newer writer added details):
  // field 99, length-delimited, "BSL interpreter; uses a wheelchair".
  const std::string detail = "BSL interpreter; uses a wheelchair";
  std::string extra;
  extra.push_back(static_cast<char>(((99 << 3 | 2) & 0x7f) | 0x80));
  extra.push_back(static_cast<char>((99 << 3 | 2) >> 7));
  extra.push_back(static_cast<char>(detail.size()));
  e.set_data(e.data() + extra + detail);
  const std::string body = WebhookBody(e);
  EXPECT_THAT(body, HasSubstr("\"request_id\":\"ar_1\""));
  EXPECT_THAT(body, Not(HasSubstr("BSL")));
  EXPECT_THAT(body, Not(HasSubstr("wheelchair")));
}

TEST(WebhookBodyTest, AccessibilityEventsNeverSayWhichRegistrantAskedForSupport) {
  events::v1::AccessibilityRequestChanged change;
  change.set_request_id("ar_1");
  change.set_registration_id("rg_who_asked");
  change.set_event_id("ev_1");
  change.set_status(events::v1::REQUEST_STATUS_FULFILLED);
  const std::string body = WebhookBody(Event("accessibility.request_fulfilled", change));
  EXPECT_THAT(body, HasSubstr("\"request_id\":\"ar_1\""));
  EXPECT_THAT(body, HasSubstr("REQUEST_STATUS_FULFILLED"));
  EXPECT_THAT(body, Not(HasSubstr("rg_who_asked")));
}

// The deadline (start minus the earliest need's lead time) and the late flag would narrow
// down the needs of the person whose registration.created came just before.
TEST(WebhookBodyTest, AccessibilityEventsCarryNoDeadlineOrLateFlagThatHintAtTheNeeds) {
  events::v1::AccessibilityRequestChanged change;
  change.set_request_id("ar_1");
  change.set_status(events::v1::REQUEST_STATUS_SUBMITTED);
  change.set_late(true);
  change.set_deadline_unix_ms(1773655200000);  // 21 days before: a deafblind interpreter
  const std::string body = WebhookBody(Event("accessibility.request_submitted", change));
  EXPECT_THAT(body, HasSubstr("\"request_id\":\"ar_1\""));
  EXPECT_THAT(body, Not(HasSubstr("1773655200000")));
  EXPECT_THAT(body, HasSubstr("\"late\":false"));
}

// Why an organiser cancelled someone is free text about that person: for their e-mail only.
TEST(WebhookBodyTest, ARegistrationCancelledByTheOrganisersCarriesNoReason) {
  events::v1::RegistrationChanged change;
  change.set_registration_id("rg_1");
  change.set_status(events::v1::REGISTRATION_STATUS_CANCELLED);
  change.set_reason("Came drunk to the last session");
  change.set_by_organiser(true);
  const std::string body = WebhookBody(Event("registration.cancelled", change));
  EXPECT_THAT(body, HasSubstr("\"registration_id\":\"rg_1\""));
  EXPECT_THAT(body, HasSubstr("\"by_organiser\":true"));
  EXPECT_THAT(body, Not(HasSubstr("drunk")));
  EXPECT_THAT(body, HasSubstr("\"reason\":\"\""));
}

TEST(WebhookBodyTest, PayloadsOffTheAllowListAreLeftOut) {
  events::v1::DomainEvent e;
  e.set_id("de_2");
  e.set_type("accessibility.something_new");
  e.set_data_type("events.v1.Registration");  // carries a name and an e-mail
  events::v1::Registration r;
  r.set_name("Ada Lovelace");
  r.set_email("ada@example.org");
  e.set_data(r.SerializeAsString());
  const std::string body = WebhookBody(e);
  EXPECT_THAT(body, HasSubstr("\"data\":{}"));
  EXPECT_THAT(body, Not(HasSubstr("ada@")));
  EXPECT_FALSE(IsAllowedPayloadType("events.v1.Registration"));
  EXPECT_TRUE(IsAllowedPayloadType("events.v1.FeedbackInvitationDue"));
}

TEST(WebhookBodyTest, TextIsEscaped) {
  events::v1::EventChanged change;
  change.set_reason("Storm \"Ciar\xC3\xA1n\"\n");
  const std::string body = WebhookBody(Event("event.cancelled", change));
  EXPECT_THAT(body, HasSubstr("\"reason\":\"Storm \\\"Ciar\xC3\xA1n\\\"\\n\""));
}

TEST(EventTypesTest, ExactPrefixAndAll) {
  EXPECT_TRUE(MatchesEventType({"registration.*"}, "registration.created"));
  EXPECT_FALSE(MatchesEventType({"registration.*"}, "registrations.created"));
  EXPECT_TRUE(MatchesEventType({"event.reminder_due"}, "event.reminder_due"));
  EXPECT_FALSE(MatchesEventType({"event.reminder_due"}, "event.published"));
  EXPECT_TRUE(MatchesEventType({"*"}, "feedback.invitation_due"));
  EXPECT_FALSE(MatchesEventType({}, "event.published"));
}

TEST(EventTypesTest, BadPatternsAreRefusedNamingTheField) {
  EXPECT_TRUE(ValidateEventTypes({"registration.*", "event.reminder_due", "*"}, "f").ok());
  EXPECT_THAT(std::string(ValidateEventTypes({}, "event_types").message()),
              HasSubstr("event_types"));
  for (const std::string bad :
       {"Registration.created", "registration.", "a..b", "reg*", "", "registration.*.x", "a b"}) {
    EXPECT_FALSE(ValidateEventTypes({bad}, "event_types").ok()) << bad;
  }
  EXPECT_FALSE(ValidateEventTypes(std::vector<std::string>(51, "a"), "event_types").ok());
  // A pattern that is not one is quoted on one line, control characters shown as '?'
  // (found by fuzz/fuzz_rpc_integrations: a newline in the message).
  const std::string bad_message(ValidateEventTypes({"regi.\nion.*"}, "event_types").message());
  EXPECT_EQ(bad_message.find('\n'), std::string::npos) << bad_message;
  EXPECT_THAT(bad_message, HasSubstr("event_types has \"regi.?ion.*\""));
}

// A pattern that can never match any of the platform's event types is a typo: refused
// naming the field, with the closest valid pattern when there is one.
TEST(WebhookEventTypesTest, UnknownTypesAndPatternsAreRefusedWithTheClosestName) {
  const std::pair<const char*, const char*> typos[] = {
      {"registratoin.*", "registration.*"},
      {"registration.creatd", "registration.created"},
      {"registrations.*", "registration.*"},
      {"event.reminder", "event.reminder_due"},
      {"acessibility.*", "accessibility.*"},
      {"feedback.invitation_sent", "feedback.invitation_due"},
      {"webhook.tset", "webhook.test"},
  };
  for (const auto& [typo, meant] : typos) {
    const absl::Status s = ValidateEventTypes({"event.*", typo}, "event_types");
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << typo;
    EXPECT_THAT(std::string(s.message()), HasSubstr("event_types")) << typo;
    EXPECT_THAT(std::string(s.message()), HasSubstr(absl::StrCat("did you mean \"", meant, "\"")))
        << typo << ": " << s;
  }
  for (const char* unknown :
       {"nothing.*", "accessibility.request_submitted.*", "contact.created", "a"}) {
    EXPECT_EQ(ValidateEventTypes({unknown}, "event_types").code(),
              absl::StatusCode::kInvalidArgument)
        << unknown;
  }
  for (const char* known :
       {"*", "event.*", "registration.*", "accessibility.*", "feedback.*", "contact.*", "webhook.*",
        "registration.promoted", "accessibility.request_at_risk", "contact.unsubscribed",
        "webhook.test", "feedback.response_submitted"}) {
    EXPECT_TRUE(ValidateEventTypes({known}, "event_types").ok()) << known;
  }
}

TEST(SecretBoxTest, SealsBoundToTheWebhookAndTheKey) {
  auto box = SecretBox::FromBase64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
  ASSERT_TRUE(box.ok());
  auto sealed = box->Seal("whsec_abc", "wh_1");
  ASSERT_TRUE(sealed.ok());
  EXPECT_THAT(*sealed, Not(HasSubstr("whsec_abc")));
  EXPECT_EQ(*box->Open(*sealed, box->key_id(), "wh_1"), "whsec_abc");
  EXPECT_FALSE(box->Open(*sealed, box->key_id(), "wh_2").ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(box->Open(*sealed, "kother", "wh_1").status()));
  EXPECT_FALSE(SecretBox::FromBase64("c2hvcnQ=").ok());
  EXPECT_FALSE(SecretBox::FromBase64("not base64!").ok());
}

TEST(ContactsCsvTest, MailingToolColumnsQuotedAndFormulaSafe) {
  events::v1::MailingContact a;
  a.set_email("ada@example.org");
  a.set_first_name("Ada");
  a.set_last_name("Lovelace, King");
  a.add_tags("event:ev_1");
  a.add_tags("event:ev_2");
  a.set_subscribed(true);
  events::v1::MailingContact b;
  b.set_email("b@example.org");
  b.set_first_name("=HYPERLINK(\"http://x\")");
  b.set_last_name("@SUM");
  b.set_subscribed(true);
  events::v1::MailingContact gone;
  gone.set_email("gone@example.org");
  EXPECT_EQ(ContactsCsv({a, b, gone}),
            "email,first_name,last_name,tags\r\n"
            "ada@example.org,Ada,\"Lovelace, King\",\"event:ev_1, event:ev_2\"\r\n"
            "b@example.org,\"'=HYPERLINK(\"\"http://x\"\")\",'@SUM,\r\n");
  EXPECT_EQ(CsvCell("-1"), "'-1");
  EXPECT_EQ(CsvCell("+44"), "'+44");
  EXPECT_EQ(CsvCell("line\nbreak"), "\"line\nbreak\"");
  // Leading spaces do not hide a formula, and ';' (a separator in many locales) is quoted.
  EXPECT_EQ(CsvCell("  =1+1"), "'  =1+1");
  // The same rule as the other exports (StartsLikeAFormula): an invisible character or a
  // space of another script before the '=' does not hide it, and fullwidth forms count
  // (found by fuzz/fuzz_csv_export).
  EXPECT_EQ(CsvCell("\u200b=1+1"), "'\u200b=1+1");
  EXPECT_EQ(CsvCell("\u00a0@SUM(A1)"), "'\u00a0@SUM(A1)");
  EXPECT_EQ(CsvCell("\uff1d1+1"), "'\uff1d1+1");
  EXPECT_EQ(CsvCell("\t-1"), "'\t-1");
  EXPECT_EQ(CsvCell("a;b"), "\"a;b\"");
}

TEST(ContactsCsvTest, SplitsNames) {
  EXPECT_EQ(SplitName("Ada Lovelace King"),
            std::make_pair(std::string("Ada"), std::string("Lovelace King")));
  EXPECT_EQ(SplitName("  Cher "), std::make_pair(std::string("Cher"), std::string()));
}

}  // namespace
}  // namespace events::integrations
