#pragma once

#include "events/v1/integrations.grpc.pb.h"

namespace events::auth {
class Authenticator;
}

namespace events::integrations {

class Integrations;

// The gRPC face of Integrations: authenticates, checks the role or scope, calls the domain.
// API keys: organiser only (an integration key cannot make keys). Webhooks, deliveries and
// dead letters: organiser or webhooks:manage. Contacts: organiser or contacts:read;
// Unsubscribe: organiser or contacts:write.
class IntegrationsServiceImpl final : public events::v1::IntegrationsService::Service {
 public:
  IntegrationsServiceImpl(Integrations& integrations, const events::auth::Authenticator& auth)
      : integrations_(integrations), auth_(auth) {}

  grpc::Status CreateApiKey(grpc::ServerContext* ctx, const events::v1::CreateApiKeyRequest* req,
                            events::v1::CreateApiKeyResponse* resp) override;
  grpc::Status ListApiKeys(grpc::ServerContext* ctx, const events::v1::ListApiKeysRequest* req,
                           events::v1::ListApiKeysResponse* resp) override;
  grpc::Status RevokeApiKey(grpc::ServerContext* ctx, const events::v1::RevokeApiKeyRequest* req,
                            events::v1::ApiKey* resp) override;
  grpc::Status CreateWebhook(grpc::ServerContext* ctx, const events::v1::CreateWebhookRequest* req,
                             events::v1::WebhookWithSecret* resp) override;
  grpc::Status ListWebhooks(grpc::ServerContext* ctx, const events::v1::ListWebhooksRequest* req,
                            events::v1::ListWebhooksResponse* resp) override;
  grpc::Status UpdateWebhook(grpc::ServerContext* ctx, const events::v1::UpdateWebhookRequest* req,
                             events::v1::Webhook* resp) override;
  grpc::Status RotateWebhookSecret(grpc::ServerContext* ctx,
                                   const events::v1::RotateWebhookSecretRequest* req,
                                   events::v1::WebhookWithSecret* resp) override;
  grpc::Status DeleteWebhook(grpc::ServerContext* ctx, const events::v1::DeleteWebhookRequest* req,
                             events::v1::DeleteWebhookResponse* resp) override;
  grpc::Status TestWebhook(grpc::ServerContext* ctx, const events::v1::TestWebhookRequest* req,
                           events::v1::TestWebhookResponse* resp) override;
  grpc::Status ListDeliveries(grpc::ServerContext* ctx,
                              const events::v1::ListDeliveriesRequest* req,
                              events::v1::ListDeliveriesResponse* resp) override;
  grpc::Status ListDeadLetters(grpc::ServerContext* ctx,
                               const events::v1::ListDeadLettersRequest* req,
                               events::v1::ListDeadLettersResponse* resp) override;
  grpc::Status ReplayDeadLetters(grpc::ServerContext* ctx,
                                 const events::v1::ReplayDeadLettersRequest* req,
                                 events::v1::ReplayDeadLettersResponse* resp) override;
  grpc::Status ListContacts(grpc::ServerContext* ctx, const events::v1::ListContactsRequest* req,
                            events::v1::ListContactsResponse* resp) override;
  grpc::Status ExportContacts(grpc::ServerContext* ctx,
                              const events::v1::ExportContactsRequest* req,
                              events::v1::ContactsExport* resp) override;
  grpc::Status Unsubscribe(grpc::ServerContext* ctx, const events::v1::UnsubscribeRequest* req,
                           events::v1::UnsubscribeResponse* resp) override;

 private:
  Integrations& integrations_;
  const events::auth::Authenticator& auth_;
};

}  // namespace events::integrations
