#include "services/notifications/server/notifications_service.h"

#include "common/auth/grpc_auth.h"
#include "common/rpc/status.h"
#include "services/notifications/domain/notifications.h"

namespace events::notifications {

using events::rpc::Reply;
using events::rpc::ToGrpcStatus;

grpc::Status NotificationsServiceImpl::GetSenderSettings(
    grpc::ServerContext* ctx, const events::v1::GetSenderSettingsRequest*,
    events::v1::SenderSettings* resp) {
  auto caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(notifications_.Settings(caller->org_id), resp);
}

grpc::Status NotificationsServiceImpl::UpdateSenderSettings(
    grpc::ServerContext* ctx, const events::v1::UpdateSenderSettingsRequest* req,
    events::v1::SenderSettings* resp) {
  auto caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(notifications_.UpdateSettings(caller->org_id, *req), resp);
}

grpc::Status NotificationsServiceImpl::ListOutbox(grpc::ServerContext* ctx,
                                                  const events::v1::ListOutboxRequest* req,
                                                  events::v1::ListOutboxResponse* resp) {
  auto caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(notifications_.Outbox(caller->org_id, *req), resp);
}

grpc::Status NotificationsServiceImpl::ReplayDeadMail(grpc::ServerContext* ctx,
                                                      const events::v1::ReplayDeadMailRequest* req,
                                                      events::v1::ReplayDeadMailResponse* resp) {
  auto caller = events::auth::AuthenticateOrganiser(auth_, *ctx);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  return Reply(notifications_.Replay(caller->org_id, *req), resp);
}

}  // namespace events::notifications
