#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "events/v1/registration.pb.h"

namespace grpc {
class Channel;
}

namespace events::integrations {

// What integrations asks the registration service (with the service key): contact details
// of one registration, and withdrawing its marketing consent. Errors as the RPCs answer
// (NOT_FOUND, FAILED_PRECONDITION for a cancelled one, UNAVAILABLE). Thread-safe.
class RegistrationDirectory {
 public:
  virtual ~RegistrationDirectory() = default;
  virtual absl::StatusOr<events::v1::Registration> Lookup(const std::string& registration_id) = 0;
  virtual absl::StatusOr<events::v1::Registration> WithdrawMarketing(
      const std::string& registration_id) = 0;
};

// Over gRPC, with a deadline per call.
class GrpcRegistrationDirectory final : public RegistrationDirectory {
 public:
  GrpcRegistrationDirectory(std::shared_ptr<grpc::Channel> channel, std::string service_key,
                            std::chrono::milliseconds deadline);
  ~GrpcRegistrationDirectory() override;
  absl::StatusOr<events::v1::Registration> Lookup(const std::string& registration_id) override;
  absl::StatusOr<events::v1::Registration> WithdrawMarketing(
      const std::string& registration_id) override;

 private:
  struct Stub;
  std::unique_ptr<Stub> stub_;
  std::string service_key_;
  std::chrono::milliseconds deadline_;
};

}  // namespace events::integrations
