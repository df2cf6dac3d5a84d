#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "events/v1/registration.grpc.pb.h"
#include "events/v1/scheduling.grpc.pb.h"
#include "services/accessibility/peers/directories.h"

namespace grpc {
class Channel;
}

namespace events::accessibility {

// EventDirectory over SchedulingService.GetEvent, called with the service key (the
// `service` role sees every organisation's events). Every call has `deadline`. Errors are
// scheduling's, except that transport failures name the address and EVENTS_SCHEDULING_ADDR.
class GrpcEventDirectory final : public EventDirectory {
 public:
  GrpcEventDirectory(std::shared_ptr<grpc::Channel> channel, const std::string& service_key,
                     std::chrono::milliseconds deadline, std::string address);
  absl::StatusOr<EventFacts> Fetch(const std::string& event_id) override;

 private:
  const std::unique_ptr<events::v1::SchedulingService::Stub> stub_;
  const std::string authorization_;
  const std::chrono::milliseconds deadline_;
  const std::string address_;
};

// RegistrationDirectory over RegistrationService.GetMyRegistration (a public call: the
// token is the credential) and LookupRegistration (with the service key: names for
// coordinators). Errors as above, naming EVENTS_REGISTRATION_ADDR.
class GrpcRegistrationDirectory final : public RegistrationDirectory {
 public:
  GrpcRegistrationDirectory(std::shared_ptr<grpc::Channel> channel, const std::string& service_key,
                            std::chrono::milliseconds deadline, std::string address);
  absl::StatusOr<Attendee> Verify(const std::string& registration_token) override;
  absl::StatusOr<std::string> NameOf(const std::string& registration_id) override;

 private:
  const std::unique_ptr<events::v1::RegistrationService::Stub> stub_;
  const std::string authorization_;
  const std::chrono::milliseconds deadline_;
  const std::string address_;
};

}  // namespace events::accessibility
