#pragma once

#include <grpcpp/completion_queue.h>
#include <grpcpp/support/async_unary_call.h>

#include <memory>

#include "tools/loadgen/call_factory.h"

namespace events::loadgen {

// A PendingCall for any unary RPC of a generated stub, started through the stub's
// PrepareAsync<Method>: the call factories differ only in the request they fill in and in
// what they read from the response (Read, RecordFields).
template <typename Stub, typename Request, typename Response>
class UnaryCall : public PendingCall {
 public:
  using Prepare = std::unique_ptr<grpc::ClientAsyncResponseReader<Response>> (Stub::*)(
      grpc::ClientContext*, const Request&, grpc::CompletionQueue*);

  UnaryCall(Stub* stub, Prepare prepare) : stub_(stub), prepare_(prepare) {}

  void StartOn(grpc::CompletionQueue* cq) override {
    reader_ = (stub_->*prepare_)(&context, request, cq);
    reader_->StartCall();
    reader_->Finish(&response_, &status, this);
  }

  Answer Read() const override { return Answer::kOk; }

  Request request;

 protected:
  // Filled in once the call has ended with status.ok().
  const Response& response() const { return response_; }

 private:
  Stub* const stub_;
  const Prepare prepare_;
  Response response_;
  std::unique_ptr<grpc::ClientAsyncResponseReader<Response>> reader_;
};

}  // namespace events::loadgen
