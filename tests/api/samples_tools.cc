// Samples for integrations and notifications (samples.h).
#include "absl/strings/substitute.h"
#include "events/v1/notifications.pb.h"
#include "tests/api/samples.h"
#include "tests/api/samples_internal.h"

namespace events::api_test {

using absl::Substitute;

void AddToolSamples(std::map<std::string, Sample>& s) {
  // --- Integrations ---
  s["IntegrationsService.CreateApiKey"] = {
      true, [](World& w) {
        return CallInput{R"({"name": "Mailing tool", "scopes": ["contacts:read"]})", w.org_a()};
      }};
  s["IntegrationsService.ListApiKeys"] = {false, [](World& w) {
                                            return CallInput{"{}", w.org_a()};
                                          }};
  s["IntegrationsService.RevokeApiKey"] = {
      true, [](World& w) {
        return CallInput{IdJson("key_id", w.NewKey({"events:read"}).key_id), w.org_a()};
      }};
  s["IntegrationsService.CreateWebhook"] = {true, [](World& w) {
                                              return CallInput{
                                                  R"({"url": "https://hooks.example.org/api-test",
                        "event_types": ["registration.*"], "description": "CRM"})",
                                                  w.org_a()};
                                            }};
  s["IntegrationsService.ListWebhooks"] = {false, [](World& w) {
                                             w.shared();  // at least one webhook
                                             return CallInput{"{}", w.org_a()};
                                           }};
  s["IntegrationsService.UpdateWebhook"] = {
      true, [](World& w) {
        return CallInput{Substitute(R"({"webhook_id": "$0", "update_enabled": true,
                                    "enabled": false})",
                                    w.NewWebhook()),
                         w.org_a()};
      }};
  for (const char* rpc : {"RotateWebhookSecret", "DeleteWebhook", "TestWebhook"}) {
    s[std::string("IntegrationsService.") + rpc] = {
        true, [](World& w) {
          return CallInput{IdJson("webhook_id", w.NewWebhook()), w.org_a()};
        }};
  }
  s["IntegrationsService.ListDeliveries"] = {
      false, [](World& w) {
        return CallInput{Substitute(R"({"webhook_id": "$0", "limit": 10})", w.shared().webhook_id),
                         w.org_a()};
      }};
  s["IntegrationsService.ListDeadLetters"] = {false, [](World& w) {
                                                return CallInput{R"({"page_size": 10})", w.org_a()};
                                              }};
  s["IntegrationsService.ReplayDeadLetters"] = {true, [](World& w) {
                                                  return CallInput{R"({"all": true})", w.org_a()};
                                                }};
  s["IntegrationsService.ListContacts"] = {false, [](World& w) {
                                             w.shared();  // a registration that agreed to marketing
                                             return CallInput{R"({"page_size": 100})", w.org_a()};
                                           }};
  s["IntegrationsService.ExportContacts"] = {
      false, [](World& w) {
        return CallInput{IdJson("event_id", w.shared().event_id), w.org_a()};
      }};
  s["IntegrationsService.Unsubscribe"] = {
      true, [](World& w) {
        return CallInput{
            Substitute(R"({"email": "$0", "source": "mailing tool"})", w.UniqueEmail("nobody")),
            w.org_a()};
      }};

  // --- Notifications ---
  s["NotificationsService.GetSenderSettings"] = {false, [](World& w) {
                                                   return CallInput{"{}", w.org_a()};
                                                 }};
  s["NotificationsService.UpdateSenderSettings"] = {
      true,
      [](World& w) {
        // One per organisation: each call names the version it read (If-Match over HTTP).
        auto now = w.Call<events::v1::SenderSettings>("NotificationsService.GetSenderSettings",
                                                      "{}", w.org_a());
        return CallInput{Substitute(R"({"settings": {"from_name": "Riverside Forum",
                                        "reply_to": "hello@example.org"},
                                        "expected_version": $0})",
                                    now.version()),
                         w.org_a()};
      },
      {"version"}};
  s["NotificationsService.ListOutbox"] = {false, [](World& w) {
                                            return CallInput{R"({"limit": 10})", w.org_a()};
                                          }};
  s["NotificationsService.ReplayDeadMail"] = {
      true, [](World& w) {
        return CallInput{R"({"mail_id": "no-such-mail"})", w.org_a()};
      }};
}

}  // namespace events::api_test
