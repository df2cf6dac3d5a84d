#include "services/web/peers/backends.h"

#include "common/rpc/peer_channel.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace events::web {
namespace {

bool Serving(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  return stub->Check(&context, request, &response).ok() &&
         response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
}

}  // namespace

Backends::Backends(const BackendAddresses& addresses, std::chrono::milliseconds deadline)
    : deadline_(deadline),
      scheduling_channel_(events::rpc::PeerChannel(addresses.scheduling)),
      registration_channel_(events::rpc::PeerChannel(addresses.registration)),
      scheduling_(events::v1::SchedulingService::NewStub(scheduling_channel_)),
      registration_(events::v1::RegistrationService::NewStub(registration_channel_)),
      accessibility_(events::v1::AccessibilityService::NewStub(
          events::rpc::PeerChannel(addresses.accessibility))),
      feedback_(events::v1::FeedbackService::NewStub(events::rpc::PeerChannel(addresses.feedback))),
      integrations_(events::v1::IntegrationsService::NewStub(
          events::rpc::PeerChannel(addresses.integrations))),
      notifications_(events::v1::NotificationsService::NewStub(
          events::rpc::PeerChannel(addresses.notifications))),
      people_(events::v1::PeopleService::NewStub(events::rpc::PeerChannel(addresses.people))) {}

std::unique_ptr<grpc::ClientContext> Backends::Context(const Request& request) const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + deadline_);
  context->AddMetadata("x-request-id", request.request_id);
  if (!request.client_address.empty()) {
    context->AddMetadata("x-forwarded-for", request.client_address);
  }
  return context;
}

bool Backends::Ready() const {
  return Serving(scheduling_channel_) && Serving(registration_channel_);
}

}  // namespace events::web
