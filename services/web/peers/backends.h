#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <string>

#include "events/v1/accessibility.grpc.pb.h"
#include "events/v1/feedback.grpc.pb.h"
#include "events/v1/integrations.grpc.pb.h"
#include "events/v1/notifications.grpc.pb.h"
#include "events/v1/people.grpc.pb.h"
#include "events/v1/registration.grpc.pb.h"
#include "events/v1/scheduling.grpc.pb.h"
#include "services/web/http/web_server.h"

// The services the pages call. The web service owns no data: every page is built from
// their public and attendee calls (no API key: what the pages show is what any visitor may
// see, or what the visitor's own secret link opens).
namespace events::web {

struct BackendAddresses {
  std::string scheduling = "127.0.0.1:50051";
  std::string registration = "127.0.0.1:50052";
  std::string accessibility = "127.0.0.1:50053";
  std::string feedback = "127.0.0.1:50054";
  // Only the API (services/web/api) calls these two.
  std::string integrations = "127.0.0.1:50055";
  std::string notifications = "127.0.0.1:50056";
  // The organiser console's sign-in and members (and the API's).
  std::string people = "127.0.0.1:50057";
};

class Backends {
 public:
  Backends(const BackendAddresses& addresses, std::chrono::milliseconds deadline);

  // A context for one call made for `request`: the deadline, the request id (so the
  // services' logs line up with this one) and the visitor's address as x-forwarded-for
  // (registration trusts this service as a proxy, so its per-address limits apply to the
  // visitor, not to the web pod).
  std::unique_ptr<grpc::ClientContext> Context(const Request& request) const;

  events::v1::SchedulingService::Stub& scheduling() { return *scheduling_; }
  events::v1::RegistrationService::Stub& registration() { return *registration_; }
  events::v1::AccessibilityService::Stub& accessibility() { return *accessibility_; }
  events::v1::FeedbackService::Stub& feedback() { return *feedback_; }
  events::v1::IntegrationsService::Stub& integrations() { return *integrations_; }
  events::v1::NotificationsService::Stub& notifications() { return *notifications_; }
  events::v1::PeopleService::Stub& people() { return *people_; }

  // True when scheduling and registration answer their health checks (for /readyz).
  bool Ready() const;

 private:
  std::chrono::milliseconds deadline_;
  std::shared_ptr<grpc::Channel> scheduling_channel_;
  std::shared_ptr<grpc::Channel> registration_channel_;
  std::unique_ptr<events::v1::SchedulingService::Stub> scheduling_;
  std::unique_ptr<events::v1::RegistrationService::Stub> registration_;
  std::unique_ptr<events::v1::AccessibilityService::Stub> accessibility_;
  std::unique_ptr<events::v1::FeedbackService::Stub> feedback_;
  std::unique_ptr<events::v1::IntegrationsService::Stub> integrations_;
  std::unique_ptr<events::v1::NotificationsService::Stub> notifications_;
  std::unique_ptr<events::v1::PeopleService::Stub> people_;
};

}  // namespace events::web
