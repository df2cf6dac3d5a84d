#include "services/web/peers/backends.h"

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
      scheduling_channel_(
          grpc::CreateChannel(addresses.scheduling, grpc::InsecureChannelCredentials())),
      registration_channel_(
          grpc::CreateChannel(addresses.registration, grpc::InsecureChannelCredentials())),
      scheduling_(events::v1::SchedulingService::NewStub(scheduling_channel_)),
      registration_(events::v1::RegistrationService::NewStub(registration_channel_)),
      accessibility_(events::v1::AccessibilityService::NewStub(
          grpc::CreateChannel(addresses.accessibility, grpc::InsecureChannelCredentials()))),
      feedback_(events::v1::FeedbackService::NewStub(
          grpc::CreateChannel(addresses.feedback, grpc::InsecureChannelCredentials()))),
      integrations_(events::v1::IntegrationsService::NewStub(
          grpc::CreateChannel(addresses.integrations, grpc::InsecureChannelCredentials()))),
      notifications_(events::v1::NotificationsService::NewStub(
          grpc::CreateChannel(addresses.notifications, grpc::InsecureChannelCredentials()))),
      people_(events::v1::PeopleService::NewStub(
          grpc::CreateChannel(addresses.people, grpc::InsecureChannelCredentials()))) {}

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
