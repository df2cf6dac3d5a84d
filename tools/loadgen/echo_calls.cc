#include "tools/loadgen/echo_calls.h"

namespace events::loadgen {
namespace {

class EchoCall final : public PendingCall {
 public:
  explicit EchoCall(testing::EchoService::Stub* stub) : stub_(stub) {}

  void StartOn(grpc::CompletionQueue* cq) override {
    reader_ = stub_->PrepareAsyncEcho(&context, request, cq);
    reader_->StartCall();
    reader_->Finish(&response_, &status, this);
  }

  Answer Read() const override { return Answer::kOk; }

  testing::EchoRequest request;

 private:
  testing::EchoService::Stub* const stub_;
  testing::EchoResponse response_;
  std::unique_ptr<grpc::ClientAsyncResponseReader<testing::EchoResponse>> reader_;
};

}  // namespace

EchoCalls::EchoCalls(const std::vector<std::shared_ptr<grpc::Channel>>& channels) {
  for (const auto& channel : channels) stubs_.push_back(testing::EchoService::NewStub(channel));
}

std::unique_ptr<PendingCall> EchoCalls::Make(uint64_t /*sequence*/, int channel_index) {
  auto call = std::make_unique<EchoCall>(stubs_[channel_index].get());
  // About the size of a registration's name and e-mail, so both carry similar payloads.
  call->request.set_message("Bench Attendee <bench-00000000-0000000@bench.example.org>");
  return call;
}

}  // namespace events::loadgen
