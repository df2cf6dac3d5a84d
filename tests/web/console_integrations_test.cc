// The integrations pages' pure rules: scopes and event choices with their words, the webhook
// address checks made before calling the service, download names, ids in paths.
#include <string>

#include "gtest/gtest.h"
#include "services/web/console/integrations_common.h"

namespace events::web::console {
namespace {

TEST(IntegrationScopesTest, AreTheServicesScopesEachWithItsOwnMessageKeys) {
  ASSERT_EQ(IntegrationScopes().size(), 7u);
  EXPECT_EQ(IntegrationScopes().front(), "events:read");
  EXPECT_EQ(ScopeLabelKey("events:read"), "console_int_scope_events_read");
  EXPECT_EQ(ScopeHintKey("accessibility:counts"), "console_int_scope_accessibility_counts_hint");
}

TEST(WebhookEventChoicesTest, NameEveryFamilyAndNothingElse) {
  EXPECT_EQ(EventChoiceLabelKey("*"), "console_int_events_all");
  EXPECT_EQ(EventChoiceLabelKey("registration.*"), "console_int_events_registration");
  EXPECT_EQ(EventChoiceLabelKey("event.*"), "console_int_events_event");
  EXPECT_EQ(EventChoiceLabelKey("contact.unsubscribed"), "console_int_events_unsubscribed");
  // An exact type chosen through the API, or a made-up family, is not a choice.
  EXPECT_EQ(EventChoiceLabelKey("event.reminder_due"), "");
  EXPECT_EQ(EventChoiceLabelKey("webhook.*"), "");
  EXPECT_EQ(EventChoiceLabelKey(""), "");
  for (const std::string& c : WebhookEventChoices()) {
    EXPECT_NE(EventChoiceLabelKey(c), "") << c;
  }
}

TEST(WebhookAddressProblemTest, AcceptsHttpsAndLoopbackHttpAddresses) {
  EXPECT_EQ(WebhookAddressProblem("https://hooks.example.org/events"), "");
  EXPECT_EQ(WebhookAddressProblem("HTTPS://hooks.example.org"), "");
  EXPECT_EQ(WebhookAddressProblem("https://hooks.example.org:443/in?x=1"), "");
  // The service decides whether plain http is allowed (a loopback receiver in development).
  EXPECT_EQ(WebhookAddressProblem("http://127.0.0.1:8080/in"), "");
}

TEST(WebhookAddressProblemTest, NamesTheRuleEachBadAddressBreaks) {
  EXPECT_EQ(WebhookAddressProblem(""), "console_int_err_url_required");
  EXPECT_EQ(WebhookAddressProblem("https://example.org/" + std::string(2030, 'a')),
            "console_int_err_url_long");
  EXPECT_EQ(WebhookAddressProblem("https://example.org/a b"), "console_int_err_url_characters");
  EXPECT_EQ(WebhookAddressProblem("https://exämple.org/"), "console_int_err_url_characters");
  EXPECT_EQ(WebhookAddressProblem("https://example.org/\t"), "console_int_err_url_characters");
  EXPECT_EQ(WebhookAddressProblem("ftp://example.org/"), "console_int_err_url_https");
  EXPECT_EQ(WebhookAddressProblem("example.org/hook"), "console_int_err_url_https");
  EXPECT_EQ(WebhookAddressProblem("https://user:pw@example.org/"), "console_int_err_url_userinfo");
  EXPECT_EQ(WebhookAddressProblem("https://"), "console_int_err_url_host");
  EXPECT_EQ(WebhookAddressProblem("https:///path"), "console_int_err_url_host");
  EXPECT_EQ(WebhookAddressProblem("https://:443/path"), "console_int_err_url_host");
}

TEST(SafeFileNameTest, KeepsOnlyPlainCharacters) {
  EXPECT_EQ(SafeFileName("contacts-2026-12-07.csv", "x.csv"), "contacts-2026-12-07.csv");
  EXPECT_EQ(SafeFileName("a\"; filename=evil.sh\r\n.csv", "x.csv"), "afilenameevil.sh.csv");
  EXPECT_EQ(SafeFileName("../../etc/passwd", "x.csv"), "etcpasswd");
  EXPECT_EQ(SafeFileName("..hidden", "x.csv"), "hidden");
  EXPECT_EQ(SafeFileName("", "contacts.csv"), "contacts.csv");
  EXPECT_EQ(SafeFileName("ÿ€", "contacts.csv"), "contacts.csv");
  EXPECT_EQ(SafeFileName(std::string(150, 'a') + ".csv", "x").size(), 100u);
  EXPECT_EQ(SafeFileName(std::string(150, 'a') + ".csv", "x").substr(96), ".csv");
}

TEST(UrlEncodeTest, EncodesEverythingButUnreservedCharacters) {
  EXPECT_EQ(UrlEncode("3/rg_01J:created:1/wh_01"), "3%2Frg_01J%3Acreated%3A1%2Fwh_01");
  EXPECT_EQ(UrlEncode("a b&c=d~"), "a%20b%26c%3Dd~");
  EXPECT_EQ(UrlEncode("é"), "%C3%A9");
}

TEST(IntegrationIdsTest, NeedTheirPrefixAndPlainCharacters) {
  EXPECT_TRUE(IsKeyId("key_01JABC"));
  EXPECT_FALSE(IsKeyId("wh_01JABC"));
  EXPECT_FALSE(IsKeyId("key_01/../x"));
  EXPECT_TRUE(IsWebhookId("wh_01JABC"));
  EXPECT_FALSE(IsWebhookId("key_01JABC"));
  EXPECT_FALSE(IsWebhookId(""));
}

}  // namespace
}  // namespace events::web::console
