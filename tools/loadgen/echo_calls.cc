#include "tools/loadgen/echo_calls.h"

#include "tools/loadgen/unary_call.h"

namespace events::loadgen {

EchoCalls::EchoCalls(const std::vector<std::shared_ptr<grpc::Channel>>& channels) {
  for (const auto& channel : channels) stubs_.push_back(testing::EchoService::NewStub(channel));
}

std::unique_ptr<PendingCall> EchoCalls::Make(uint64_t /*sequence*/, int channel_index) {
  using Stub = testing::EchoService::Stub;
  auto call = std::make_unique<UnaryCall<Stub, testing::EchoRequest, testing::EchoResponse>>(
      stubs_[channel_index].get(), &Stub::PrepareAsyncEcho);
  // About the size of a registration's name and e-mail, so both carry similar payloads.
  call->request.set_message("Bench Attendee <bench-00000000-0000000@bench.example.org>");
  return call;
}

}  // namespace events::loadgen
