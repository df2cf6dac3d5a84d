#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <vector>

#include "testing/echo.grpc.pb.h"
#include "tools/loadgen/call_factory.h"

namespace events::loadgen {

// EchoService.Echo with a short fixed message: the bare gRPC baseline.
class EchoCalls final : public CallFactory {
 public:
  explicit EchoCalls(const std::vector<std::shared_ptr<grpc::Channel>>& channels);

  std::unique_ptr<PendingCall> Make(uint64_t sequence, int channel_index) override;

 private:
  std::vector<std::unique_ptr<testing::EchoService::Stub>> stubs_;
};

}  // namespace events::loadgen
