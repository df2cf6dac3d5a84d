#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "events/v1/domain_events.pb.h"
#include "events/v1/integrations.pb.h"
#include "services/integrations/webhooks/url_policy.h"

namespace events {
class Clock;
class IdGenerator;
}  // namespace events
namespace events::auth {
class KeyStore;
}
namespace events::bus {
class Keyspace;
}

namespace events::integrations {

class IntegrationsStore;
class RegistrationDirectory;
class SecretBox;

// The scopes an integration key may carry (docs/integrations.md).
const std::vector<std::string>& KnownScopes();

// Appends a domain event to the partition streams (bus::Publish in production).
using EventPublisher = std::function<absl::Status(const events::v1::DomainEvent&)>;

// The rules of the integrations service: keys, subscriptions, the delivery log and dead
// letters, contacts. Knows no gRPC. `org_id` is the authenticated caller's organisation.
// Errors: INVALID_ARGUMENT naming the field, NOT_FOUND (unknown or another organisation's),
// UNAVAILABLE (Redis or the registration service down). Thread-safe.
class Integrations {
 public:
  Integrations(IntegrationsStore& store, events::auth::KeyStore& keys,
               RegistrationDirectory& registrations, const SecretBox& secrets,
               const events::bus::Keyspace& keyspace, const Clock& clock, const IdGenerator& ids,
               UrlPolicy policy, EventPublisher publish);

  // `actor_name` is who asks (Caller::actor_name: a person's name, or an organiser key's
  // name); the key records it as its maker, and a revocation as its revoker.
  absl::StatusOr<events::v1::CreateApiKeyResponse> CreateApiKey(
      const std::string& org_id, const std::string& actor_name,
      const events::v1::CreateApiKeyRequest& request);
  absl::StatusOr<events::v1::ListApiKeysResponse> ListApiKeys(const std::string& org_id);
  // Revoking a key already revoked changes nothing: it keeps its first revocation's time and
  // name.
  absl::StatusOr<events::v1::ApiKey> RevokeApiKey(const std::string& org_id,
                                                  const std::string& actor_name,
                                                  const std::string& key_id);

  absl::StatusOr<events::v1::WebhookWithSecret> CreateWebhook(
      const std::string& org_id, const events::v1::CreateWebhookRequest& request);
  absl::StatusOr<events::v1::ListWebhooksResponse> ListWebhooks(const std::string& org_id);
  absl::StatusOr<events::v1::Webhook> UpdateWebhook(
      const std::string& org_id, const events::v1::UpdateWebhookRequest& request);
  absl::StatusOr<events::v1::WebhookWithSecret> RotateSecret(const std::string& org_id,
                                                             const std::string& webhook_id);
  absl::Status DeleteWebhook(const std::string& org_id, const std::string& webhook_id);
  absl::StatusOr<events::v1::TestWebhookResponse> TestWebhook(const std::string& org_id,
                                                              const std::string& webhook_id);
  absl::StatusOr<events::v1::ListDeliveriesResponse> ListDeliveries(
      const std::string& org_id, const events::v1::ListDeliveriesRequest& request);
  absl::StatusOr<events::v1::ListDeadLettersResponse> ListDeadLetters(
      const std::string& org_id, const events::v1::ListDeadLettersRequest& request);
  absl::StatusOr<events::v1::ReplayDeadLettersResponse> Replay(
      const std::string& org_id, const events::v1::ReplayDeadLettersRequest& request);

  absl::StatusOr<events::v1::ListContactsResponse> ListContacts(
      const std::string& org_id, const events::v1::ListContactsRequest& request);
  absl::StatusOr<events::v1::ContactsExport> ExportContacts(const std::string& org_id,
                                                            const std::string& event_id);
  absl::StatusOr<events::v1::UnsubscribeResponse> Unsubscribe(
      const std::string& org_id, const events::v1::UnsubscribeRequest& request);

 private:
  absl::StatusOr<events::v1::WebhookWithSecret> Seal(const std::string& org_id,
                                                     events::v1::Webhook webhook);
  static absl::Status CheckWebhookId(const std::string& webhook_id);

  IntegrationsStore& store_;
  events::auth::KeyStore& keys_;
  RegistrationDirectory& registrations_;
  const SecretBox& secrets_;
  const events::bus::Keyspace& keyspace_;
  const Clock& clock_;
  const IdGenerator& ids_;
  UrlPolicy policy_;
  EventPublisher publish_;
};

}  // namespace events::integrations
