#include "tools/loadgen/capacity_calls.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "tools/loadgen/unary_call.h"

namespace events::loadgen {

CapacityCalls::CapacityCalls(const std::vector<std::shared_ptr<grpc::Channel>>& channels,
                             std::string event_id, const std::string& api_key)
    : event_id_(std::move(event_id)), authorization_(absl::StrCat("Bearer ", api_key)) {
  for (const auto& channel : channels) {
    stubs_.push_back(v1::RegistrationService::NewStub(channel));
  }
}

std::unique_ptr<PendingCall> CapacityCalls::Make(uint64_t /*sequence*/, int channel_index) {
  using Stub = v1::RegistrationService::Stub;
  auto call = std::make_unique<UnaryCall<Stub, v1::GetCapacityRequest, v1::CapacitySummary>>(
      stubs_[channel_index].get(), &Stub::PrepareAsyncGetCapacity);
  call->request.set_event_id(event_id_);
  call->context.AddMetadata("authorization", authorization_);
  return call;
}

}  // namespace events::loadgen
