#pragma once

#include "events/v1/notifications.grpc.pb.h"

namespace events::auth {
class Authenticator;
}

namespace events::notifications {

class Notifications;

// The gRPC face of Notifications: organisers only (the outbox shows recipients' addresses).
class NotificationsServiceImpl final : public events::v1::NotificationsService::Service {
 public:
  NotificationsServiceImpl(Notifications& notifications, const events::auth::Authenticator& auth)
      : notifications_(notifications), auth_(auth) {}

  grpc::Status GetSenderSettings(grpc::ServerContext* ctx,
                                 const events::v1::GetSenderSettingsRequest* req,
                                 events::v1::SenderSettings* resp) override;
  grpc::Status UpdateSenderSettings(grpc::ServerContext* ctx,
                                    const events::v1::UpdateSenderSettingsRequest* req,
                                    events::v1::SenderSettings* resp) override;
  grpc::Status ListOutbox(grpc::ServerContext* ctx, const events::v1::ListOutboxRequest* req,
                          events::v1::ListOutboxResponse* resp) override;
  grpc::Status ReplayDeadMail(grpc::ServerContext* ctx,
                              const events::v1::ReplayDeadMailRequest* req,
                              events::v1::ReplayDeadMailResponse* resp) override;

 private:
  Notifications& notifications_;
  const events::auth::Authenticator& auth_;
};

}  // namespace events::notifications
