#include "services/integrations/server/integrations_service.h"

#include "common/auth/authenticator.h"
#include "common/auth/grpc_auth.h"
#include "common/rpc/status.h"
#include "services/integrations/domain/integrations.h"

namespace events::integrations {

using events::auth::Caller;
using events::rpc::Reply;
using events::rpc::ToGrpcStatus;

namespace {

constexpr char kWebhooksScope[] = "webhooks:manage";
constexpr char kContactsReadScope[] = "contacts:read";
constexpr char kContactsWriteScope[] = "contacts:write";

}  // namespace

grpc::Status IntegrationsServiceImpl::CreateApiKey(grpc::ServerContext* ctx,
                                                   const events::v1::CreateApiKeyRequest* req,
                                                   events::v1::CreateApiKeyResponse* resp) {
  absl::StatusOr<Caller> caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(integrations_.CreateApiKey(caller->org_id, caller->actor_name, *req), resp);
}

grpc::Status IntegrationsServiceImpl::ListApiKeys(grpc::ServerContext* ctx,
                                                  const events::v1::ListApiKeysRequest*,
                                                  events::v1::ListApiKeysResponse* resp) {
  absl::StatusOr<Caller> caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(integrations_.ListApiKeys(caller->org_id), resp);
}

grpc::Status IntegrationsServiceImpl::RevokeApiKey(grpc::ServerContext* ctx,
                                                   const events::v1::RevokeApiKeyRequest* req,
                                                   events::v1::ApiKey* resp) {
  absl::StatusOr<Caller> caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(integrations_.RevokeApiKey(caller->org_id, caller->actor_name, req->key_id()), resp);
}

grpc::Status IntegrationsServiceImpl::CreateWebhook(grpc::ServerContext* ctx,
                                                    const events::v1::CreateWebhookRequest* req,
                                                    events::v1::WebhookWithSecret* resp) {
  absl::StatusOr<Caller> caller = events::auth::AuthenticateOrganiser(auth_, *ctx, kWebhooksScope);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(integrations_.CreateWebhook(caller->org_id, *req), resp);
}

grpc::Status IntegrationsServiceImpl::ListWebhooks(grpc::ServerContext* ctx,
                                                   const events::v1::ListWebhooksRequest*,
                                                   events::v1::ListWebhooksResponse* resp) {
  absl::StatusOr<Caller> caller = events::auth::AuthenticateOrganiser(auth_, *ctx, kWebhooksScope);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(integrations_.ListWebhooks(caller->org_id), resp);
}

grpc::Status IntegrationsServiceImpl::UpdateWebhook(grpc::ServerContext* ctx,
                                                    const events::v1::UpdateWebhookRequest* req,
                                                    events::v1::Webhook* resp) {
  absl::StatusOr<Caller> caller = events::auth::AuthenticateOrganiser(auth_, *ctx, kWebhooksScope);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(integrations_.UpdateWebhook(caller->org_id, *req), resp);
}

grpc::Status IntegrationsServiceImpl::RotateWebhookSecret(
    grpc::ServerContext* ctx, const events::v1::RotateWebhookSecretRequest* req,
    events::v1::WebhookWithSecret* resp) {
  absl::StatusOr<Caller> caller = events::auth::AuthenticateOrganiser(auth_, *ctx, kWebhooksScope);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(integrations_.RotateSecret(caller->org_id, req->webhook_id()), resp);
}

grpc::Status IntegrationsServiceImpl::DeleteWebhook(grpc::ServerContext* ctx,
                                                    const events::v1::DeleteWebhookRequest* req,
                                                    events::v1::DeleteWebhookResponse*) {
  absl::StatusOr<Caller> caller = events::auth::AuthenticateOrganiser(auth_, *ctx, kWebhooksScope);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return ToGrpcStatus(integrations_.DeleteWebhook(caller->org_id, req->webhook_id()));
}

grpc::Status IntegrationsServiceImpl::TestWebhook(grpc::ServerContext* ctx,
                                                  const events::v1::TestWebhookRequest* req,
                                                  events::v1::TestWebhookResponse* resp) {
  absl::StatusOr<Caller> caller = events::auth::AuthenticateOrganiser(auth_, *ctx, kWebhooksScope);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(integrations_.TestWebhook(caller->org_id, req->webhook_id()), resp);
}

grpc::Status IntegrationsServiceImpl::ListDeliveries(grpc::ServerContext* ctx,
                                                     const events::v1::ListDeliveriesRequest* req,
                                                     events::v1::ListDeliveriesResponse* resp) {
  absl::StatusOr<Caller> caller = events::auth::AuthenticateOrganiser(auth_, *ctx, kWebhooksScope);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(integrations_.ListDeliveries(caller->org_id, *req), resp);
}

grpc::Status IntegrationsServiceImpl::ListDeadLetters(grpc::ServerContext* ctx,
                                                      const events::v1::ListDeadLettersRequest* req,
                                                      events::v1::ListDeadLettersResponse* resp) {
  absl::StatusOr<Caller> caller = events::auth::AuthenticateOrganiser(auth_, *ctx, kWebhooksScope);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(integrations_.ListDeadLetters(caller->org_id, *req), resp);
}

grpc::Status IntegrationsServiceImpl::ReplayDeadLetters(
    grpc::ServerContext* ctx, const events::v1::ReplayDeadLettersRequest* req,
    events::v1::ReplayDeadLettersResponse* resp) {
  absl::StatusOr<Caller> caller = events::auth::AuthenticateOrganiser(auth_, *ctx, kWebhooksScope);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(integrations_.Replay(caller->org_id, *req), resp);
}

grpc::Status IntegrationsServiceImpl::ListContacts(grpc::ServerContext* ctx,
                                                   const events::v1::ListContactsRequest* req,
                                                   events::v1::ListContactsResponse* resp) {
  absl::StatusOr<Caller> caller =
      events::auth::AuthenticateOrganiser(auth_, *ctx, kContactsReadScope);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(integrations_.ListContacts(caller->org_id, *req), resp);
}

grpc::Status IntegrationsServiceImpl::ExportContacts(grpc::ServerContext* ctx,
                                                     const events::v1::ExportContactsRequest* req,
                                                     events::v1::ContactsExport* resp) {
  absl::StatusOr<Caller> caller =
      events::auth::AuthenticateOrganiser(auth_, *ctx, kContactsReadScope);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(integrations_.ExportContacts(caller->org_id, req->event_id()), resp);
}

grpc::Status IntegrationsServiceImpl::Unsubscribe(grpc::ServerContext* ctx,
                                                  const events::v1::UnsubscribeRequest* req,
                                                  events::v1::UnsubscribeResponse* resp) {
  absl::StatusOr<Caller> caller =
      events::auth::AuthenticateOrganiser(auth_, *ctx, kContactsWriteScope);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(integrations_.Unsubscribe(caller->org_id, *req), resp);
}

}  // namespace events::integrations
