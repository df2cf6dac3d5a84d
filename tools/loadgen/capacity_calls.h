#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>
#include <vector>

#include "events/v1/registration.grpc.pb.h"
#include "tools/loadgen/call_factory.h"

namespace events::loadgen {

// RegistrationService.GetCapacity for one event, as its organiser: every call carries
// `authorization: Bearer <api_key>`. The read that scripts/bench api compares with the same
// call over HTTP/JSON.
class CapacityCalls final : public CallFactory {
 public:
  CapacityCalls(const std::vector<std::shared_ptr<grpc::Channel>>& channels, std::string event_id,
                const std::string& api_key);

  std::unique_ptr<PendingCall> Make(uint64_t sequence, int channel_index) override;

 private:
  std::vector<std::unique_ptr<v1::RegistrationService::Stub>> stubs_;
  const std::string event_id_;
  const std::string authorization_;
};

}  // namespace events::loadgen
