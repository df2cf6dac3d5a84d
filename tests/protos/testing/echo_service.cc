#include "testing/echo_service.h"

#include <chrono>
#include <thread>

namespace events::testing {

grpc::Status EchoServiceImpl::Echo(grpc::ServerContext* /*context*/, const EchoRequest* request,
                                   EchoResponse* response) {
  response->set_message(request->message());
  return grpc::Status::OK;
}

grpc::ServerUnaryReactor* CallbackEchoServiceImpl::Echo(grpc::CallbackServerContext* context,
                                                        const EchoRequest* request,
                                                        EchoResponse* response) {
  response->set_message(request->message());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::Status EchoServiceImpl::Slow(grpc::ServerContext* /*context*/, const SlowRequest* request,
                                   EchoResponse* response) {
  // A plain sleep, not cancellable: tests rely on the call finishing on its own during a drain.
  std::this_thread::sleep_for(std::chrono::milliseconds(request->delay_ms()));
  response->set_message(request->message());
  return grpc::Status::OK;
}

grpc::Status EchoServiceImpl::Fail(grpc::ServerContext* /*context*/, const FailRequest* request,
                                   EchoResponse* /*response*/) {
  int code = request->code();
  // OK or an unknown value would not be a failure; treat them as UNKNOWN.
  if (code <= grpc::StatusCode::OK || code > grpc::StatusCode::UNAUTHENTICATED) {
    code = grpc::StatusCode::UNKNOWN;
  }
  return grpc::Status(static_cast<grpc::StatusCode>(code), request->message());
}

}  // namespace events::testing
